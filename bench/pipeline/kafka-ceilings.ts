import { spawn } from 'node:child_process';
import path from 'node:path';

export interface KafkaCeilings {
  /** Records per second Kafka's own producer achieved (acks=all, idempotent) against the cluster. */
  readonly produce: number;
  /** Records per second Kafka's own consumer read back. */
  readonly consume: number;
  readonly records: number;
  readonly recordBytes: number;
}

function run(java: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(java, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`${args[2]} exited with ${code}:\n${output.slice(-2000)}`)),
    );
  });
}

/**
 * The cluster's raw ceilings with Kafka's own performance tools (kafka-tools, on the stack's classpath):
 * ProducerPerformance with the pipeline's producer settings (acks=all, idempotent) on a topic replicated
 * like the pipeline's, then ConsumerPerformance reading it all back.
 */
export async function measureKafkaCeilings(options: {
  kafkaLib: string;
  bootstrap: string;
  /** The stack's client properties (SASL/SCRAM login), see stack/services/kafka.ts. */
  clientProperties: string;
  topic: string;
  records: number;
  recordBytes: number;
}): Promise<KafkaCeilings> {
  const classpath = ['-Xmx512m', '-cp', path.join(options.kafkaLib, '*')];
  const produced = await run('java', [
    ...classpath,
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    options.topic,
    '--num-records',
    String(options.records),
    '--record-size',
    String(options.recordBytes),
    '--throughput',
    '-1',
    '--producer.config',
    options.clientProperties,
    '--producer-props',
    `bootstrap.servers=${options.bootstrap}`,
    'acks=all',
    'enable.idempotence=true',
    'linger.ms=5',
  ]);
  // The last summary line: "400000 records sent, 81234.5 records/sec (23.24 MB/sec), ..."
  const produceRates = [...produced.matchAll(/records sent, ([\d.]+) records\/sec/g)];
  const produce = Number(produceRates.at(-1)?.[1]);
  const consumed = await run('java', [
    ...classpath,
    'org.apache.kafka.tools.ConsumerPerformance',
    '--bootstrap-server',
    options.bootstrap,
    '--consumer.config',
    options.clientProperties,
    '--topic',
    options.topic,
    '--messages',
    String(options.records),
    '--timeout',
    '60000',
  ]);
  // CSV: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, ...
  const row = consumed
    .trim()
    .split('\n')
    .map((line) => line.split(',').map((f) => f.trim()))
    .find((fields) => fields.length >= 6 && /^\d{4}-/.test(fields[0] as string));
  const consume = Number(row?.[5]);
  if (!Number.isFinite(produce) || !Number.isFinite(consume)) {
    throw new Error(
      `could not read the perf tools' figures:\n${produced.slice(-500)}\n${consumed.slice(-500)}`,
    );
  }
  return { produce, consume, records: options.records, recordBytes: options.recordBytes };
}
