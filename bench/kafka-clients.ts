/**
 * `npm run bench:kafka-clients`: the Kafka clients of issue 18 side by side on the native stack (its own
 * "bench" instance, SASL/SCRAM, RF 3, min.insync.replicas 2): kafkajs (today's), @platformatic/kafka and
 * @confluentinc/kafka-javascript (built here once, see kafka-clients/confluent-install.ts).
 *
 * For each client and round, on a fresh 12-partition topic: a producer process sends --count simulated
 * readings with a traceparent header each (idempotent, acks=all), then a consumer process reads them all
 * back in a fresh group. Printed per client: the client process's CPU µs per record, the brokers' CPU µs
 * per record while it ran, the rate, RSS, and what the consumer found lost, duplicated or without its
 * trace context. Clients take turns within each round and start in a different order each round, as the
 * machine's load drifts. Writes bench/out/kafka-clients.json.
 *
 *   npm run bench:kafka-clients -- --clients kafkajs,platformatic --rounds 3 --count 200000
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { nameListOption, numberOption } from '../common/config/cli-options.js';
import { runMain } from '../common/config/run-main.js';
import { eventually } from '../common/eventually.js';
import { awaitTopicsReady } from '../common/kafka/admin.js';
import { stackKafkaClient } from '../stack/clients.js';
import { loadStackConfig, REPO_ROOT } from '../stack/config.js';
import { activeController } from '../stack/kafka-roles.js';
import { pathsOf } from '../stack/paths.js';
import { exportStackSecrets } from '../stack/secrets.js';
import { KAFKA_NODES } from '../stack/topology.js';
import { brokerControl } from './kafka-clients/broker-control.js';
import { KAFKA_CLIENT_NAMES, type KafkaClientName } from './kafka-clients/clients.js';
import { ensureConfluentClient } from './kafka-clients/confluent-install.js';
import type { WorkerResult } from './kafka-clients/worker.js';
import { sampleProcessCpu } from './pipeline/process-cpu.js';

const here = import.meta.dirname;

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      clients: { type: 'string', default: KAFKA_CLIENT_NAMES.join(',') },
      rounds: { type: 'string', default: '2' },
      count: { type: 'string', default: '100000' },
      batch: { type: 'string', default: '500' },
      inflight: { type: 'string', default: '1' },
      // What is sent: `reading` (the readings topic's messages) or `scored` (the scored topic's).
      payload: { type: 'string', default: 'reading' },
      // The failover phase instead: each client produces at --failover-rate while a broker is killed.
      failover: { type: 'boolean', default: false },
      'failover-rate': { type: 'string', default: '2000' },
      // Which broker dies: kafka-N, `controller` (the active KRaft controller) or `broker` (any other).
      victim: { type: 'string', default: 'kafka-2' },
    },
  });
  const clients = nameListOption('clients', args.clients, KAFKA_CLIENT_NAMES);
  const rounds = numberOption('rounds', args.rounds, { min: 1, integer: true });
  const count = numberOption('count', args.count, { min: 1, integer: true });
  const paths = pathsOf(loadStackConfig());
  const secrets = exportStackSecrets(paths);
  const confluentDir = clients.includes('confluent')
    ? ensureConfluentClient(paths.cache, (line) => console.log(line))
    : undefined;
  const run = randomUUID().slice(0, 8);
  const admin = stackKafkaClient(secrets, `bench-${run}`).admin();
  await admin.connect();
  if (args.failover) {
    try {
      await failoverPhase(admin, clients, {
        run,
        rounds,
        rate: numberOption('failover-rate', args['failover-rate'], { min: 1 }),
        victim: args.victim,
        ...(confluentDir ? { confluentDir } : {}),
      });
    } finally {
      await admin.disconnect();
    }
    return;
  }
  const results: Record<string, { produce: Measured[]; consume: Measured[] }> = {};
  const topics: string[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const order = clients.map((_, i) => clients[(i + round) % clients.length] as KafkaClientName);
      for (const client of order) {
        const topic = `bench.${run}.clients.${client}.${round}`;
        topics.push(topic);
        await createBenchTopic(admin, topic);
        const worker = { client, topic, confluentDir, payload: args.payload };
        const produced = await measured([
          ...workerArgs(worker, 'produce', count),
          ...['--batch', args.batch, '--inflight', args.inflight],
        ]);
        const consumed = await measured(workerArgs(worker, 'consume', count));
        results[client] ??= { produce: [], consume: [] };
        results[client].produce.push(produced);
        results[client].consume.push(consumed);
        console.log(
          `round ${round + 1} ${client.padEnd(12)} produce ${line(produced)} | consume ${line(consumed)}` +
            ` lost ${consumed.lost} dup ${consumed.duplicated} bad headers ${consumed.badHeaders}`,
        );
      }
    }
  } finally {
    await admin.deleteTopics({ topics }).catch(() => {});
    await admin.disconnect();
  }
  printSummary(results);
  const out = path.join(REPO_ROOT, 'bench', 'out', 'kafka-clients.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ measuredAt: new Date().toISOString(), count, batch: Number(args.batch), results }, null, 2)}\n`,
  );
  console.log(`written to ${path.relative(process.cwd(), out)}`);
}

const KILL_AFTER_MS = 10_000;
const DOWN_FOR_MS = 20_000;
const PACED_SECONDS = 45;

/**
 * Each client in turn sends at a steady rate for PACED_SECONDS; KILL_AFTER_MS in, the victim (--victim)
 * is SIGKILLed and DOWN_FOR_MS later restarted. Printed: the longest time between two acknowledged sends, and what a
 * consumer then finds of the acknowledged records (lost, duplicated). Before each client, every
 * partition is back to three in-sync replicas.
 */
async function failoverPhase(
  admin: ReturnType<ReturnType<typeof stackKafkaClient>['admin']>,
  clients: readonly KafkaClientName[],
  options: { run: string; rounds: number; rate: number; victim: string; confluentDir?: string },
): Promise<void> {
  const names = KAFKA_NODES.map((n) => n.name);
  if (![...names, 'controller', 'broker'].includes(options.victim))
    throw new Error(`--victim: expected ${names.join(', ')}, controller or broker (got ${options.victim})`);
  const brokers = brokerControl();
  const rows: FailoverRow[] = [];
  const topics: string[] = [];
  for (let round = 0; round < options.rounds; round++) {
    for (const client of clients.map((_, i) => clients[(i + round) % clients.length] as KafkaClientName)) {
      const topic = `bench.${options.run}.failover.${client}.${round}`;
      topics.push(topic);
      await createBenchTopic(admin, topic);
      const worker = { client, topic, confluentDir: options.confluentDir, payload: 'reading' };
      const count = Math.ceil(options.rate * PACED_SECONDS * 1.2);
      const controller = await activeController();
      const victim =
        options.victim === 'controller'
          ? controller
          : options.victim === 'broker'
            ? (names.find((n) => n !== controller && n === 'kafka-2') ?? names.find((n) => n !== controller))
            : options.victim;
      if (!victim) throw new Error('no active KRaft controller found to kill');
      let timers: NodeJS.Timeout[] = [];
      let outage: Promise<void> | undefined;
      const startOutage = () =>
        new Promise<void>((resolve, reject) => {
          timers = [
            setTimeout(() => brokers.kill(victim).catch(reject), KILL_AFTER_MS),
            setTimeout(() => brokers.restart(victim).then(resolve, reject), KILL_AFTER_MS + DOWN_FOR_MS),
          ];
        });
      let produced: WorkerResult;
      try {
        produced = await runWorker(
          [
            ...workerArgs(worker, 'produce', count),
            '--rate',
            String(options.rate),
            '--duration',
            String(PACED_SECONDS),
          ],
          () => {
            outage ??= startOutage();
          },
        );
        await outage;
      } catch (error) {
        // Whatever failed, the broker is not left down for the next client (or the next run).
        for (const timer of timers) clearTimeout(timer);
        if (outage) await brokers.restart(victim).catch(() => {});
        throw error;
      }
      await awaitFullIsr(admin, topic);
      const consumed = await runWorker(workerArgs(worker, 'consume', produced.records));
      const row: FailoverRow = {
        client,
        round: round + 1,
        victim,
        victimWasController: victim === controller,
        stallMs: Math.round(produced.longestStallMs ?? Number.NaN),
        stuck: produced.stuck === true,
        ...(produced.failure ? { failure: produced.failure } : {}),
        acked: produced.records,
        lost: consumed.lost ?? Number.NaN,
        dup: (consumed.duplicated ?? 0) + (consumed.badHeaders ?? 0),
      };
      rows.push(row);
      console.log(
        `round ${row.round} ${client.padEnd(12)} ${victim}${row.victimWasController ? ' (the active controller)' : ''} killed: longest stall ${row.stallMs} ms${row.stuck ? ' (a send never acknowledged: stuck)' : ''}${row.failure ? ` (a send failed: ${row.failure.split('\n').pop()?.trim()})` : ''}; acknowledged ${row.acked}, lost ${row.lost}, duplicated or unacknowledged ${row.dup}`,
      );
    }
  }
  await admin.deleteTopics({ topics }).catch(() => {});
  const out = path.join(REPO_ROOT, 'bench', 'out', 'kafka-clients-failover.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ measuredAt: new Date().toISOString(), rate: options.rate, rows }, null, 2)}\n`,
  );
  console.log(`written to ${path.relative(process.cwd(), out)}`);
}

interface FailoverRow {
  readonly client: string;
  readonly round: number;
  readonly victim: string;
  readonly victimWasController: boolean;
  /** The longest time between two acknowledged sends. */
  readonly stallMs: number;
  readonly stuck: boolean;
  readonly failure?: string;
  readonly acked: number;
  readonly lost: number;
  /** Records the consumer found twice, or that were written though their send was never acknowledged. */
  readonly dup: number;
}

async function createBenchTopic(
  admin: ReturnType<ReturnType<typeof stackKafkaClient>['admin']>,
  topic: string,
) {
  await admin.createTopics({
    waitForLeaders: false,
    topics: [
      {
        topic,
        numPartitions: 12,
        replicationFactor: 3,
        configEntries: [{ name: 'min.insync.replicas', value: '2' }],
      },
    ],
  });
  await awaitTopicsReady(admin, [topic]);
}

async function awaitFullIsr(admin: ReturnType<ReturnType<typeof stackKafkaClient>['admin']>, topic: string) {
  await eventually(
    `every partition of ${topic} back to three in-sync replicas`,
    async () => {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      return metadata.topics[0]?.partitions.every((p) => p.isr.length === 3) ? true : undefined;
    },
    180_000,
  );
}

interface Measured extends WorkerResult {
  readonly clientUsPerRecord: number;
  /** The three brokers' CPU over the worker's whole life, per record. */
  readonly brokerUsPerRecord: number;
  readonly recordsPerSecond: number;
}

/** The arguments every worker takes: which client, topic and payload, its role and how many records. */
function workerArgs(
  worker: { client: KafkaClientName; topic: string; confluentDir?: string | undefined; payload: string },
  role: 'produce' | 'consume',
  records: number,
): string[] {
  return [
    ...['--client', worker.client, '--topic', worker.topic, '--payload', worker.payload],
    ...['--role', role, '--count', String(records)],
    ...(worker.confluentDir ? ['--confluent-dir', worker.confluentDir] : []),
  ];
}

/** Runs one worker and charges it the brokers' CPU over its timed part (the worker marks it). */
async function measured(args: string[]): Promise<Measured> {
  const samples: ReturnType<typeof sampleProcessCpu>[] = [];
  const result = await runWorker(args, () => samples.push(sampleProcessCpu()));
  const [before, after] = samples;
  let brokerSeconds = 0;
  for (const [pid, { component, seconds }] of after ?? new Map()) {
    const start = before?.get(pid);
    if (component === 'kafka' && start) brokerSeconds += seconds - start.seconds;
  }
  const records = Math.max(result.records, 1);
  return {
    ...result,
    clientUsPerRecord: (1e6 * result.cpuSeconds) / records,
    brokerUsPerRecord: (1e6 * brokerSeconds) / records,
    recordsPerSecond: result.seconds > 0 ? result.records / result.seconds : 0,
  };
}

/** Runs a worker; `onClock` is called when it marks the start and the end of its timed part. */
function runWorker(args: string[], onClock: () => void = () => {}): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(here, 'kafka-clients', 'worker.ts'), ...args],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let pending = '';
    let result: WorkerResult | undefined;
    child.stdout.on('data', (chunk) => {
      pending += chunk;
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        const text = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
        if (!text.startsWith('{')) continue;
        const message = JSON.parse(text) as WorkerResult | { clock: string };
        if ('clock' in message) onClock();
        else result = message;
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`worker ${args.join(' ')} exited with ${code}`));
      if (!result) return reject(new Error(`worker ${args.join(' ')} printed no result`));
      resolve(result);
    });
  });
}

function line(m: Measured): string {
  return `${m.clientUsPerRecord.toFixed(1)} µs/rec client, ${m.brokerUsPerRecord.toFixed(1)} brokers, ${Math.round(m.recordsPerSecond)}/s, ${Math.round(m.rssMb)} MB`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function printSummary(results: Record<string, { produce: Measured[]; consume: Measured[] }>): void {
  const base = results.kafkajs;
  console.log('\nmedians over rounds; µs of CPU per record (ratio to kafkajs)');
  console.log(
    'client        produce client  produce brokers  produce rate  consume client  consume brokers  consume rate  lost  dup  bad headers',
  );
  for (const [client, { produce, consume }] of Object.entries(results)) {
    const cell = (values: Measured[], pick: (m: Measured) => number, baseline?: Measured[]) => {
      const v = median(values.map(pick));
      const base = baseline ? median(baseline.map(pick)) : 0;
      // No ratio to a baseline of 0 (a run that timed nothing): it would print ∞ or NaN.
      const ratio = base > 0 ? ` (${(v / base).toFixed(2)})` : '';
      return `${v.toFixed(1)}${ratio}`;
    };
    const sum = (values: Measured[], pick: (m: Measured) => number | undefined) =>
      values.reduce((s, m) => s + (pick(m) ?? 0), 0);
    console.log(
      [
        client.padEnd(13),
        cell(produce, (m) => m.clientUsPerRecord, base?.produce).padStart(14),
        cell(produce, (m) => m.brokerUsPerRecord, base?.produce).padStart(16),
        String(Math.round(median(produce.map((m) => m.recordsPerSecond)))).padStart(13),
        cell(consume, (m) => m.clientUsPerRecord, base?.consume).padStart(15),
        cell(consume, (m) => m.brokerUsPerRecord, base?.consume).padStart(16),
        String(Math.round(median(consume.map((m) => m.recordsPerSecond)))).padStart(13),
        String(sum(consume, (m) => m.lost)).padStart(5),
        String(sum(consume, (m) => m.duplicated)).padStart(4),
        String(sum(consume, (m) => m.badHeaders)).padStart(12),
      ].join(' '),
    );
  }
}

runMain(main);
