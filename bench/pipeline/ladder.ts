import path from 'node:path';
import { profileNames } from '../../common/reading/profiles.js';
import {
  bucketsOf,
  parseMetrics,
  quantileBetween,
  type Sample,
  sumOf,
} from '../../common/telemetry/metrics-text.js';
import { loadStackConfig } from '../../stack/config.js';
import { pathsOf } from '../../stack/paths.js';
import { type RunningService, spawnService } from '../../stack/process/spawned-service.js';
import { detectorLaunchEnv } from '../../stack/services/pipeline.js';
import { CASSANDRA, KAFKA_NODES } from '../../stack/topology.js';
import { type Component, coresBetween, sampleProcessCpu } from './process-cpu.js';

/** The benchmark's producers and detector, launched as the stack launches them; logs in .stack/logs/bench. */
const startBenchService = (
  ...args: Parameters<typeof spawnService> extends [string, ...infer Rest] ? Rest : never
) => spawnService(path.join(pathsOf(loadStackConfig()).logs, 'bench'), ...args);

/**
 * The profiles every producer simulates; a replica's rate is stations × profiles per second. Read from
 * the profiles file: a constant 5 outlived the sixth profile (site_meters, 2026-12-01), and every step
 * offered 6/5 of its rate from then on (the "6 000/s" step sent some 7 200 readings a second).
 */
const PROFILES = profileNames().length;

export interface StepResult {
  /** Readings per second the producers were asked for. */
  readonly offered: number;
  /** Readings per second the producers got acknowledged by Kafka. */
  readonly produced: number;
  /** Producer replicas used. */
  readonly producers: number;
  /** Readings per second the detector stored over the step's window. */
  readonly stored: number;
  readonly lagStart: number;
  readonly lagEnd: number;
  readonly keptUp: boolean;
  /** Why a step did not keep up: the detector fell behind, or the producers could not offer the rate. */
  readonly limitedBy: 'detector' | 'producers' | null;
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number };
  /** CPU cores the detector used on average over the window. */
  readonly detectorCpu: number;
  readonly detectorRssMb: number;
  /** Of that, the V8 heap in use: the rest is the runtime, buffers and heap the allocator has not returned. */
  readonly detectorHeapMb: number;
  /** The V8 heap committed (in use or not), and the memory V8 knows of outside it (Buffers and the like). */
  readonly detectorHeapCommittedMb: number;
  readonly detectorExternalMb: number;
  /**
   * How late the detector's event loop ran over the window (Node's delay monitor, reset at each scrape):
   * a synchronous stretch holds every partition's readings for as long.
   */
  readonly detectorLoopDelayMs: { readonly p99: number; readonly max: number };
  /**
   * The detector's full (mark-compact) collections over the window: how many a second, and the share of
   * the window they took on its main thread. Readings that live past two young collections (a chunk
   * waiting for its write) are promoted, and the old space fills with them.
   */
  readonly detectorMajorGc: { readonly perS: number; readonly share: number };
  /**
   * Since the detector started: readings judged again after a restore (from the last committed
   * checkpoint) and its consumer group joins. A restarted detector's first step counts its replay here.
   */
  readonly detectorSinceStart: { readonly replayedReadings: number; readonly groupJoins: number };
  /** Stations whose state the detector holds in its models, and those it holds deflated (dormant). */
  readonly stations: { readonly awake: number; readonly dormant: number };
  /** Where a reading's time goes: the producers' acks=all sends and the detector's Cassandra writes (p99). */
  readonly producerSendP99Ms: number;
  readonly cassandraWriteP99Ms: number;
  /** Cores each part of the stack used over the window: where the machine's two cores went. */
  readonly coresBy: Record<Component, number>;
  /** Requests a second the three brokers served over the window, by type (Produce, Fetch, OffsetCommit…). */
  readonly kafkaRequestsPerS: Record<string, number>;
}

export interface LadderOptions {
  readonly topics: { readonly readings: string; readonly scored: string; readonly deadLetter: string };
  readonly detectorEnv: Record<string, string>;
  /** Settings given to every producer replica (after the bench's own). */
  readonly producerEnv: Record<string, string>;
  readonly detectorNodeArgs?: readonly string[];
  /**
   * Run the producers and detector from source under tsx, not compiled into dist/ as the stack and the
   * image run them (`buildServices` first).
   */
  readonly fromSource?: boolean;
  /** Another checkout whose compiled producers and detector run instead of this one's (`--only ab`). */
  readonly servicesRoot?: string;
  /** Least producer replicas; more are started for high rates (one per `ratePerProducer`). */
  readonly producers: number;
  readonly ratePerProducer: number;
  readonly warmupS: number;
  readonly windowS: number;
}

async function scrape(service: RunningService): Promise<Sample[]> {
  try {
    return parseMetrics(await (await fetch(`${service.metricsUrl}/metrics`)).text());
  } catch (error) {
    // A bare "fetch failed" said nothing when the detector had died (out of heap, once): say who and where.
    const exit = service.process.exitCode ?? service.process.signalCode;
    const state = exit === null ? 'is not answering' : `exited (${exit})`;
    throw new Error(`${service.name} ${state} at ${service.metricsUrl}/metrics; see ${service.log}`, {
      cause: error,
    });
  }
}

/** Requests served so far by every broker, by request type (from their JMX exporters). */
async function kafkaRequests(): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  for (const node of KAFKA_NODES) {
    const text = await (await fetch(`http://127.0.0.1:${node.jmxExporterPort}/metrics`)).text();
    for (const s of parseMetrics(text)) {
      // FetchFollower and FetchConsumer are Fetch requests counted a second time by who sent them.
      if (s.name !== 'kafka_network_requests_total' || !s.labels.request) continue;
      totals.set(s.labels.request, (totals.get(s.labels.request) ?? 0) + s.value);
    }
  }
  return totals;
}

function ratesBetween(before: Map<string, number>, after: Map<string, number>, seconds: number) {
  const rates: Record<string, number> = {};
  for (const [request, total] of after) {
    const rate = (total - (before.get(request) ?? 0)) / seconds;
    if (rate >= 0.5) rates[request] = Math.round(rate);
  }
  return rates;
}

/**
 * Offers `rate` readings a second (producer replicas, each simulating its share of stations at one
 * reading a second) to a running detector, lets it settle, then measures one window: what was stored,
 * whether the lag stayed bounded, end-to-end latency, and the detector's CPU and memory.
 */
export async function runStep(
  detector: RunningService,
  rate: number,
  options: LadderOptions,
  run: string,
): Promise<StepResult> {
  const replicas = Math.max(options.producers, Math.ceil(rate / options.ratePerProducer));
  const stationsPerProducer = Math.max(1, Math.round(rate / (replicas * PROFILES)));
  const offered = stationsPerProducer * replicas * PROFILES;
  const producers = await Promise.all(
    Array.from({ length: replicas }, (_, i) =>
      startBenchService(
        `producer-${run}-${rate}-${i}`,
        'producer/main.ts',
        {
          LOG_LEVEL: 'warn',
          // The same ids at every step (a replica's stations are numbered from 0), so a step's fleet grows
          // from the last one's, as a deployment's would. Ids per step made the detector hold every step's
          // stations at once: 12 000 at the 6 000/s step, past what its heap holds, and it died of it.
          PRODUCER_REPLICA_ID: `${run}-${i}`,
          PRODUCER_STATIONS: String(stationsPerProducer),
          PRODUCER_INTERVAL_MS: '1000',
          READINGS_TOPIC: options.topics.readings,
          ...options.producerEnv,
        },
        { compiled: !options.fromSource, ...(options.servicesRoot ? { root: options.servicesRoot } : {}) },
      ),
    ),
  );
  try {
    await new Promise((resolve) => setTimeout(resolve, options.warmupS * 1000));
    const producersBefore = (await Promise.all(producers.map(scrape))).flat();
    const producedBefore = sumOf(producersBefore, 'sensorwatch_readings_produced_total');
    const before = await scrape(detector);
    const cpuBefore = sampleProcessCpu();
    const requestsBefore = await kafkaRequests();
    const t0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, options.windowS * 1000));
    const after = await scrape(detector);
    const cpuAfter = sampleProcessCpu();
    const requestsAfter = await kafkaRequests();
    const seconds = (performance.now() - t0) / 1000;
    const producersAfter = (await Promise.all(producers.map(scrape))).flat();
    const produced =
      (sumOf(producersAfter, 'sensorwatch_readings_produced_total') - producedBefore) / seconds;
    const stored =
      (sumOf(after, 'sensorwatch_readings_stored_total') -
        sumOf(before, 'sensorwatch_readings_stored_total')) /
      seconds;
    const lagStart = sumOf(before, 'sensorwatch_consumer_lag_messages');
    const lagEnd = sumOf(after, 'sensorwatch_consumer_lag_messages');
    const quantileMs = (from: Sample[], to: Sample[], histogram: string, q: number) =>
      1000 * quantileBetween(bucketsOf(from, histogram), bucketsOf(to, histogram), q);
    const latency = (q: number) => quantileMs(before, after, 'sensorwatch_end_to_end_latency_seconds', q);
    // Kept up: the producers delivered the rate and the detector stored it, each within 5 % (producers
    // send each second's readings at once, so a window's edges cut ticks), with the lag bounded (not
    // grown past two seconds of input).
    const producersKeptUp = produced >= offered * 0.95;
    const detectorKeptUp = stored >= produced * 0.95 && lagEnd <= Math.max(lagStart, 0) + 2 * offered;
    const keptUp = producersKeptUp && detectorKeptUp;
    return {
      offered,
      produced,
      producers: replicas,
      stored,
      lagStart,
      lagEnd,
      keptUp,
      limitedBy: keptUp ? null : detectorKeptUp ? 'producers' : 'detector',
      latencyMs: { p50: latency(0.5), p95: latency(0.95), p99: latency(0.99) },
      detectorCpu:
        (sumOf(after, 'process_cpu_seconds_total') - sumOf(before, 'process_cpu_seconds_total')) / seconds,
      detectorRssMb: sumOf(after, 'process_resident_memory_bytes') / 2 ** 20,
      detectorHeapMb: sumOf(after, 'nodejs_heap_size_used_bytes') / 2 ** 20,
      detectorHeapCommittedMb: sumOf(after, 'nodejs_heap_size_total_bytes') / 2 ** 20,
      detectorExternalMb: sumOf(after, 'nodejs_external_memory_bytes') / 2 ** 20,
      detectorSinceStart: {
        replayedReadings: sumOf(after, 'sensorwatch_detector_state_replayed_readings_total'),
        groupJoins: sumOf(after, 'sensorwatch_detector_group_joins_total'),
      },
      detectorLoopDelayMs: {
        p99: sumOf(after, 'nodejs_eventloop_lag_p99_seconds') * 1000,
        max: sumOf(after, 'nodejs_eventloop_lag_max_seconds') * 1000,
      },
      detectorMajorGc: {
        perS:
          (sumOf(after, 'nodejs_gc_duration_seconds_count', { kind: 'major' }) -
            sumOf(before, 'nodejs_gc_duration_seconds_count', { kind: 'major' })) /
          seconds,
        share:
          (sumOf(after, 'nodejs_gc_duration_seconds_sum', { kind: 'major' }) -
            sumOf(before, 'nodejs_gc_duration_seconds_sum', { kind: 'major' })) /
          seconds,
      },
      stations: {
        awake: sumOf(after, 'sensorwatch_detector_stations', { state: 'awake' }),
        dormant: sumOf(after, 'sensorwatch_detector_stations', { state: 'dormant' }),
      },
      producerSendP99Ms: quantileMs(
        producersBefore,
        producersAfter,
        'sensorwatch_produce_send_seconds',
        0.99,
      ),
      cassandraWriteP99Ms: quantileMs(before, after, 'sensorwatch_cassandra_write_seconds', 0.99),
      coresBy: coresBetween(cpuBefore, cpuAfter, seconds),
      kafkaRequestsPerS: ratesBetween(requestsBefore, requestsAfter, seconds),
    };
  } finally {
    await Promise.all(producers.map((p) => p.stop()));
  }
}

/** The detector's memory, event loop and collector over a step, as the ladder and the A/B steps print them. */
export function describeDetectorRuntime(step: StepResult): string {
  const whole = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–');
  return `rss ${whole(step.detectorRssMb)} MB (heap ${whole(step.detectorHeapMb)} of ${whole(step.detectorHeapCommittedMb)}, external ${whole(step.detectorExternalMb)}; loop delay p99 ${whole(step.detectorLoopDelayMs.p99)} ms, max ${whole(step.detectorLoopDelayMs.max)}; full GCs ${step.detectorMajorGc.perS.toFixed(2)}/s, ${(100 * step.detectorMajorGc.share).toFixed(1)} % of the time)`;
}

/**
 * Waits until the detector has worked off its backlog (lag under a second's worth of `rate`), for at
 * most `timeoutMs`; seconds it took.
 */
export async function waitForDrain(
  detector: RunningService,
  rate: number,
  timeoutMs: number,
): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (sumOf(await scrape(detector), 'sensorwatch_consumer_lag_messages') < rate) break;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return (performance.now() - started) / 1000;
}

/**
 * Waits until Cassandra has no compaction pending (from its JMX exporter), for at most `timeoutMs`;
 * seconds it took. A drained backlog of hundreds of thousands of rows leaves Cassandra compacting for
 * minutes, at half a core of two: a step measured meanwhile measures that (a half-load p99 of 2.3 s,
 * with Cassandra at 144 µs a reading against some 100 without it).
 */
export async function waitForCompactions(timeoutMs: number): Promise<number> {
  const started = performance.now();
  const url = `http://127.0.0.1:${CASSANDRA.jmxExporterPort}/metrics`;
  while (performance.now() - started < timeoutMs) {
    const samples = parseMetrics(await (await fetch(url)).text());
    if (sumOf(samples, 'cassandra_compaction_pending_tasks') === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  return (performance.now() - started) / 1000;
}

/** Starts the detector the steps share (all its models on, its own topics, group and registry). */
export function startDetector(options: LadderOptions, run: string): Promise<RunningService> {
  return startBenchService(
    `detector-${run}`,
    'detector/main.ts',
    {
      LOG_LEVEL: 'warn',
      READINGS_TOPIC: options.topics.readings,
      SCORED_TOPIC: options.topics.scored,
      DEAD_LETTER_TOPIC: options.topics.deadLetter,
      DETECTOR_GROUP_ID: `bench.${run}`,
      MODEL_REGISTRY: `bench-${run}`,
      ...detectorLaunchEnv(),
      ...options.detectorEnv,
    },
    {
      nodeArgs: options.detectorNodeArgs ?? [],
      compiled: !options.fromSource,
      ...(options.servicesRoot ? { root: options.servicesRoot } : {}),
    },
  );
}
