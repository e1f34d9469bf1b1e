/**
 * One side of one client's run in `bench:kafka-clients`, in a process of its own so its CPU is its own:
 *
 *   produce: sends --count simulated readings (encoded as the producers encode them, keyed by station,
 *            each with a W3C traceparent header) in sends of --batch, --inflight at a time;
 *   consume: reads the topic from its start in a fresh group until every record has arrived, and checks
 *            that each arrived once with its traceparent intact.
 *
 * Records are made before the clock starts, so what is timed is the client. Prints one JSON line.
 */
import { parseArgs } from 'node:util';
import { numberOption } from '../../common/config/cli-options.js';
import { runMain } from '../../common/config/run-main.js';
import { profileNames, profileOf } from '../../common/reading/profiles.js';
import { encodeReading, type Reading } from '../../common/reading/reading.js';
import { Fleet } from '../../producer/fleet.js';
import { encodeScored, explain } from '../../scoring/scored-reading.js';
import { createScoringCore } from '../../scoring/scoring-core.js';
import { loadStackConfig } from '../../stack/config.js';
import { pathsOf } from '../../stack/paths.js';
import { exportStackSecrets, kafkaSaslOf } from '../../stack/secrets.js';
import { KAFKA_BOOTSTRAP } from '../../stack/topology.js';
import { type BenchRecord, clientPair, KAFKA_CLIENT_NAMES, type KafkaClientName } from './clients.js';

export interface WorkerResult {
  readonly client: KafkaClientName;
  readonly role: 'produce' | 'consume';
  readonly records: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly rssMb: number;
  /** paced produce only: a send was never acknowledged (within STUCK_SEND_MS) and the run ended there. */
  readonly stuck?: boolean;
  /** paced produce only: why a send failed (the client gave up), and the run ended there. */
  readonly failure?: string;
  /** paced produce only: the longest time between two acknowledged sends, in ms. */
  readonly longestStallMs?: number;
  /** consume only: records that never arrived, arrived twice, or lost their traceparent on the way. */
  readonly lost?: number;
  readonly duplicated?: number;
  readonly badHeaders?: number;
}

/** A fixed origin, so every run sends the same readings. */
const ORIGIN_TS = Date.parse('2026-01-05T00:00:00Z');
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/** The traceparent of record `i`: its span id is its index, which makes it the record's identity too. */
export function traceparentOf(i: number): string {
  return `00-${TRACE_ID}-${i.toString(16).padStart(16, '0')}-01`;
}

/** Tells the parent when the timed part starts and ends, so it can read the brokers' CPU over it. */
function markClock(event: 'start' | 'end'): void {
  process.stdout.write(`${JSON.stringify({ clock: event })}\n`);
}

/**
 * `count` records of the chosen payload: readings as the producers send them, or those readings scored
 * by the scoring core and encoded as the detector publishes them to the scored topic.
 */
function recordsOf(count: number, payload: 'reading' | 'scored'): BenchRecord[] {
  const core = payload === 'scored' ? createScoringCore() : undefined;
  const fleet = new Fleet({
    replicaId: 'bench',
    profiles: profileNames(),
    stations: 50,
    anomalyRate: 0.01,
    originTs: ORIGIN_TS,
    seed: 18,
  });
  const records: BenchRecord[] = [];
  for (let tick = 0; records.length < count; tick++) {
    for (const reading of fleet.tick(ORIGIN_TS + tick * 1_000)) {
      if (records.length === count) break;
      const headers = { traceparent: traceparentOf(records.length) };
      const value = core ? scoredValue(core, reading) : encodeReading(reading);
      records.push({ key: reading.stationId, value, headers });
    }
  }
  return records;
}

/** Every error in a client's AggregateError tree, one line each: the clients nest their causes deeply. */
function describeErrors(error: unknown, depth = 0): string[] {
  if (!(error instanceof Error) || depth > 6) return [];
  const e = error as Error & { code?: unknown; errors?: unknown[]; apiCode?: unknown };
  const line = `${'  '.repeat(depth)}${e.name}${e.code ? ` ${String(e.code)}` : ''}${e.apiCode ? ` (${String(e.apiCode)})` : ''}: ${e.message}`;
  const children = [...(e.errors ?? []), ...(e.cause ? [e.cause] : [])];
  const seen = new Set<string>();
  const lines = [line];
  for (const child of children) {
    const described = describeErrors(child, depth + 1);
    const key = described.join('\n');
    if (seen.has(key)) continue;
    seen.add(key);
    lines.push(...described);
  }
  return lines;
}

function scoredValue(core: ReturnType<typeof createScoringCore>, reading: Reading): Buffer {
  const verdict = core.score({
    stationId: reading.stationId,
    profile: reading.profile,
    profileSpec: profileOf(reading.profile),
    ts: Date.parse(reading.ts),
    values: reading.values,
  });
  const scored = {
    reading,
    verdict,
    explanation: explain(verdict),
    detectorVersion: 'bench',
    modelVersion: 'bench',
  };
  return encodeScored(scored);
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      client: { type: 'string' },
      role: { type: 'string' },
      topic: { type: 'string' },
      count: { type: 'string', default: '100000' },
      batch: { type: 'string', default: '500' },
      inflight: { type: 'string', default: '1' },
      group: { type: 'string' },
      'confluent-dir': { type: 'string' },
      'idle-timeout': { type: 'string', default: '60' },
      payload: { type: 'string', default: 'reading' },
      // Paced produce (the failover phase): --rate records a second in sends every 50 ms, for --duration s.
      rate: { type: 'string' },
      duration: { type: 'string', default: '40' },
    },
  });
  const client = args.client as KafkaClientName;
  if (!KAFKA_CLIENT_NAMES.includes(client))
    throw new Error(`--client: expected one of ${KAFKA_CLIENT_NAMES.join(', ')} (got ${args.client})`);
  if (args.role !== 'produce' && args.role !== 'consume')
    throw new Error(`--role: expected produce or consume (got ${args.role})`);
  if (!args.topic) throw new Error('--topic is required');
  const count = numberOption('count', args.count, { min: 1, integer: true });
  if (args.payload !== 'reading' && args.payload !== 'scored')
    throw new Error(`--payload: expected reading or scored (got ${args.payload})`);
  const payload = args.payload;
  const secrets = exportStackSecrets(pathsOf(loadStackConfig()));
  const pair = await clientPair(client, {
    clientId: `bench-${client}-${args.role}`,
    brokers: KAFKA_BOOTSTRAP,
    sasl: kafkaSaslOf(secrets),
    ...(args['confluent-dir'] ? { confluentDir: args['confluent-dir'] } : {}),
  });
  const paced = args.rate
    ? {
        rate: numberOption('rate', args.rate, { min: 1 }),
        seconds: numberOption('duration', args.duration, { min: 1 }),
      }
    : undefined;
  const result =
    args.role === 'produce' && paced
      ? await producePaced(pair.producer(), {
          client,
          topic: args.topic,
          records: recordsOf(count, payload),
          ...paced,
        })
      : args.role === 'produce'
        ? await produce(pair.producer(), {
            client,
            topic: args.topic,
            records: recordsOf(count, payload),
            batch: numberOption('batch', args.batch, { min: 1, integer: true }),
            inflight: numberOption('inflight', args.inflight, { min: 1, integer: true }),
          })
        : await consume(pair.consumer(args.group ?? `bench-${client}-${args.topic}`), {
            client,
            topic: args.topic,
            count,
            idleTimeoutMs: 1_000 * numberOption('idle-timeout', args['idle-timeout'], { min: 1 }),
          });
  console.log(JSON.stringify(result));
  // A client that hung (see `stuck`) may keep timers and sockets alive: the result is out, so leave.
  process.exit(0);
}

async function produce(
  producer: ReturnType<Awaited<ReturnType<typeof clientPair>>['producer']>,
  options: {
    client: KafkaClientName;
    topic: string;
    records: BenchRecord[];
    batch: number;
    inflight: number;
  },
): Promise<WorkerResult> {
  const { records, batch, inflight } = options;
  await producer.connect();
  // One send first, outside the clock: it opens the connections to every partition's leader.
  await producer.send(options.topic, records.slice(0, batch));
  markClock('start');
  const started = performance.now();
  const cpu = process.cpuUsage();
  let next = batch;
  const lane = async () => {
    while (next < records.length) {
      const from = next;
      next += batch;
      await producer.send(options.topic, records.slice(from, from + batch));
    }
  };
  await Promise.all(Array.from({ length: inflight }, lane));
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - started) / 1_000;
  markClock('end');
  await producer.disconnect();
  return {
    client: options.client,
    role: 'produce',
    records: records.length - batch,
    seconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    rssMb: process.memoryUsage().rss / 2 ** 20,
  };
}

/**
 * Sends --rate records a second, one send every SEND_EVERY_MS, each awaited before the next (as a producer
 * replica publishes a tick), and records the longest time between two acknowledgements: with a broker
 * killed meanwhile, the stall its clients' failover costs. Records go in order, so the acknowledged ones
 * are the first `records` of them.
 */
async function producePaced(
  producer: ReturnType<Awaited<ReturnType<typeof clientPair>>['producer']>,
  options: { client: KafkaClientName; topic: string; records: BenchRecord[]; rate: number; seconds: number },
): Promise<WorkerResult> {
  const { records } = options;
  const perSend = Math.max(1, Math.round((options.rate * SEND_EVERY_MS) / 1_000));
  await producer.connect();
  markClock('start');
  const started = performance.now();
  const cpu = process.cpuUsage();
  let sent = 0;
  let lastAck = performance.now();
  let longestStallMs = 0;
  let stuck = false;
  let failure: string | undefined;
  while (performance.now() - started < options.seconds * 1_000 && sent < records.length) {
    const due = started + (sent / perSend) * SEND_EVERY_MS;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const acknowledged = await withinMs(
      producer.send(options.topic, records.slice(sent, sent + perSend)),
      STUCK_SEND_MS,
    ).catch((error: unknown) => {
      failure = describeErrors(error).join('\n');
      return false;
    });
    if (failure) {
      longestStallMs = performance.now() - lastAck;
      break;
    }
    if (!acknowledged) {
      stuck = true;
      longestStallMs = performance.now() - lastAck;
      break;
    }
    sent = Math.min(records.length, sent + perSend);
    const now = performance.now();
    longestStallMs = Math.max(longestStallMs, now - lastAck);
    lastAck = now;
  }
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - started) / 1_000;
  markClock('end');
  // A client stuck on a send may be stuck on its way out too.
  if (!stuck && !failure) await producer.disconnect();
  return {
    client: options.client,
    role: 'produce',
    stuck,
    ...(failure ? { failure } : {}),
    records: sent,
    seconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    rssMb: process.memoryUsage().rss / 2 ** 20,
    longestStallMs,
  };
}

const SEND_EVERY_MS = 50;
/** A send not acknowledged within this is reported as stuck, and the run ends there. */
const STUCK_SEND_MS = 90_000;

/** Whether `promise` settled within `ms`; a rejection is thrown. */
async function withinMs(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), expired]);
  } finally {
    clearTimeout(timer);
  }
}

async function consume(
  consumer: ReturnType<Awaited<ReturnType<typeof clientPair>>['consumer']>,
  options: { client: KafkaClientName; topic: string; count: number; idleTimeoutMs: number },
): Promise<WorkerResult> {
  const seen = new Uint8Array(options.count);
  let unique = 0;
  let received = 0;
  let badHeaders = 0;
  let first: { at: number; cpu: NodeJS.CpuUsage } | undefined;
  let lastAt = performance.now();
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const prefix = traceparentOf(0).slice(0, 36);
  await consumer.start(options.topic, (records) => {
    if (!first) markClock('start');
    first ??= { at: performance.now(), cpu: process.cpuUsage() };
    lastAt = performance.now();
    for (const record of records) {
      received += 1;
      const header = record.traceparent;
      const index = header?.startsWith(prefix) ? Number.parseInt(header.slice(36, 52), 16) : Number.NaN;
      if (!(index >= 0 && index < options.count)) {
        badHeaders += 1;
        continue;
      }
      if (seen[index] === 0) unique += 1;
      seen[index] = 1;
    }
    if (unique === options.count) done();
  });
  const idle = setInterval(() => {
    if (performance.now() - lastAt > options.idleTimeoutMs) done();
  }, 500);
  await finished;
  markClock('end');
  clearInterval(idle);
  const used = first ? process.cpuUsage(first.cpu) : { user: 0, system: 0 };
  const seconds = first ? (lastAt - first.at) / 1_000 : 0;
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  await consumer.stop();
  return {
    client: options.client,
    role: 'consume',
    records: received,
    seconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    rssMb,
    lost: options.count - unique,
    duplicated: received - badHeaders - unique,
    badHeaders,
  };
}

runMain(main);
