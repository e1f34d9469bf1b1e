/**
 * `npm run bench:pipeline`: throughput and latency of the whole pipeline on the native stack, beside the
 * machine's raw ceilings, in one run. It runs in a stack instance of its own ("bench": its own data, so
 * the benchmark's readings never reach the stack of `npm start`), started without a pipeline of its own
 * so nothing shares the CPU with the benchmark; stop the stack of `npm start` first.
 *
 *   1. ceilings: Kafka's ProducerPerformance and ConsumerPerformance (acks=all, RF 3, min.insync 2) and
 *      a Cassandra insert loop through the detector's own repository;
 *   2. the pipeline (producer replicas → Kafka → detector with all models → Cassandra) at increasing
 *      rates until it no longer keeps up for a whole window: the highest sustained rate;
 *   3. at half that rate, once the backlog has drained and with a fresh detector of the same group:
 *      end-to-end latency p50/p95/p99, detector CPU and RSS;
 *   4. the cost of checkpointing the stations' learnt state: the detector's CPU per reading at one rate
 *      with checkpoints off and on, side by side;
 *   5. the restore a detector waits for when given partitions: 10 000 stations' state, checkpointed to
 *      Cassandra and restored by a fresh core.
 *
 * Prints a table and writes bench/out/pipeline.json.
 *
 *   npm run bench:pipeline -- --rates 2000,4000,8000 --window 30     (a quicker, coarser run)
 *   npm run bench:pipeline -- --rates 6000 --cpu-prof /tmp/prof      (the detector's CPU profile)
 *   npm run bench:pipeline -- --only ladder --rates 3000 --cpu-prof /tmp/prof   (the same, that step alone)
 *   npm run bench:pipeline -- --only state --state-rate 2000          (steps 4 and 5 alone)
 *   npm run bench:pipeline -- --only ab --ab-root ../base --rates 3000 (another checkout's build, side by side)
 *   npm run bench:pipeline -- --only ab --ab-root . --ab-other-env NODE_OPTIONS=… --rates 3000 (a setting, side by side)
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from 'cassandra-driver';
import { numberListOption, numberOption } from '../common/config/cli-options.js';
import { runMain } from '../common/config/run-main.js';
import { ensureTopics } from '../common/kafka/admin.js';
import { TOPICS } from '../common/kafka/topics.js';
import { stackCassandraClient, stackKafkaClient } from '../stack/clients.js';
import { loadStackConfig, REPO_ROOT } from '../stack/config.js';
import { KAFKA_BUNDLE } from '../stack/install/bundles.js';
import { ensureMavenBundle } from '../stack/install/maven.js';
import { pathsOf } from '../stack/paths.js';
import { buildServices } from '../stack/process/spawned-service.js';
import { exportStackSecrets } from '../stack/secrets.js';
import { writeKafkaClientProperties } from '../stack/services/kafka.js';
import { KAFKA_BOOTSTRAP } from '../stack/topology.js';
import { compareBuilds } from './pipeline/build-comparison.js';
import { measureCassandraCeiling } from './pipeline/cassandra-ceiling.js';
import { measureKafkaCeilings } from './pipeline/kafka-ceilings.js';
import {
  describeDetectorRuntime,
  type LadderOptions,
  runStep,
  type StepResult,
  startDetector,
  waitForCompactions,
  waitForDrain,
} from './pipeline/ladder.js';
import { cpuUsPerReading } from './pipeline/process-cpu.js';
import { measureStateRestore } from './pipeline/state-restore.js';

const DEFAULT_RATES = '2000,4000,6000,8000,10000,12500,15000,17500,20000';

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      rates: { type: 'string', default: DEFAULT_RATES },
      window: { type: 'string', default: '60' },
      warmup: { type: 'string', default: '20' },
      producers: { type: 'string', default: '2' },
      'rate-per-producer': { type: 'string', default: '2500' },
      'ceiling-records': { type: 'string', default: '300000' },
      // Writes a V8 CPU profile of the detector to DIR when it stops (open it in Chrome DevTools).
      'cpu-prof': { type: 'string' },
      // Flags for the detector's node itself, e.g. V8's that NODE_OPTIONS refuses (repeatable).
      'detector-node-arg': { type: 'string', multiple: true, default: [] },
      // Runs the producers and detector from source under tsx instead of compiled, as the stack runs them.
      'from-source': { type: 'boolean', default: false },
      // Detector settings to compare, e.g. --detector-env DETECTOR_COMMIT_INTERVAL_MS=0 (repeatable).
      'detector-env': { type: 'string', multiple: true, default: [] },
      // Producer settings to compare, e.g. --producer-env PRODUCER_SEND_SLICES=4 (repeatable).
      'producer-env': { type: 'string', multiple: true, default: [] },
      // `state`: only the checkpoint cost and the restore (steps 4 and 5), at --state-rate; `restore`: step 5;
      // `ladder`: only the steps at --rates (step 2), e.g. to profile the detector at one rate.
      only: { type: 'string', default: 'all' },
      'state-rate': { type: 'string' },
      'state-stations': { type: 'string', default: '10000' },
      // `ab`: steps at the first of --rates alternating between the compiled services of the checkout at
      // --ab-root (a git worktree of the commit to compare with, built) and this one's, --ab-rounds each.
      'ab-root': { type: 'string' },
      'ab-rounds': { type: 'string', default: '3' },
      // Detector settings for the other build's steps only, over --detector-env (repeatable): with --ab-root
      // this checkout, a setting measured side by side with the code unchanged.
      'ab-other-env': { type: 'string', multiple: true, default: [] },
    },
  });
  if (!['all', 'state', 'restore', 'ladder', 'ab'].includes(args.only))
    throw new Error(`--only: expected all, state, restore, ladder or ab (got ${args.only})`);
  if (args.only === 'ab' && !args['ab-root']) throw new Error('--only ab: --ab-root DIR is required');
  const rates = numberListOption('rates', args.rates, { min: 1 });
  if (rates.some((r) => !(r > 0))) throw new Error(`--rates: expected positive numbers (got ${args.rates})`);
  if (!args['from-source']) await buildServices();
  const run = randomUUID().slice(0, 8);
  const paths = pathsOf(loadStackConfig());
  // In process.env too: the detector and producers this bench spawns log in with them.
  const secrets = exportStackSecrets(paths);
  const kafka = stackKafkaClient(secrets, `bench-${run}`);
  const admin = kafka.admin();
  await admin.connect();
  const topics = {
    ceiling: `bench.${run}.ceiling`,
    readings: `bench.${run}.readings`,
    scored: `bench.${run}.scored`,
    deadLetter: `bench.${run}.dlq`,
  };
  const cassandra = stackCassandraClient(secrets, 'sensorwatch');
  try {
    // Each one as the pipeline's topic it stands in for: partitions, replication and configs.
    await ensureTopics(
      admin,
      (Object.keys(topics) as (keyof typeof topics)[]).map((key) => ({
        ...(key === 'ceiling' ? TOPICS.readings : TOPICS[key]),
        name: topics[key],
      })),
    );

    const ladderOptions = (): LadderOptions => ({
      topics,
      detectorEnv: parseEnvPairs(args['detector-env'], 'detector-env'),
      producerEnv: parseEnvPairs(args['producer-env'], 'producer-env'),
      detectorNodeArgs: [
        ...args['detector-node-arg'],
        ...(args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args['cpu-prof'])}`] : []),
      ],
      fromSource: args['from-source'],
      producers: numberOption('producers', args.producers, { min: 1, integer: true }),
      ratePerProducer: numberOption('rate-per-producer', args['rate-per-producer'], { min: 1 }),
      warmupS: numberOption('warmup', args.warmup, { min: 0 }),
      windowS: numberOption('window', args.window, { min: 1 }),
    });
    const stateStations = numberOption('state-stations', args['state-stations'], { min: 1, integer: true });
    if (args.only === 'restore') {
      await cassandra.connect();
      await admin.deleteTopics({ topics: [topics.ceiling] });
      const restore = await measureStateRestore(cassandra, { stations: stateStations, partitions: 12, run });
      console.log(
        `restore of ${fmt(stateStations)} stations: ${fmt(restore.bytesPerStation)} bytes per station deflated; checkpoint of all ${restore.checkpointSeconds.toFixed(1)} s; restore ${restore.restoreSeconds.toFixed(2)} s (${fmt(restore.restoreUsPerStation)} µs per station), then each station's first reading ${fmt(restore.wakeUsPerStation)} µs`,
      );
      return;
    }
    if (args.only === 'state') {
      await cassandra.connect();
      await admin.deleteTopics({ topics: [topics.ceiling] });
      const rate = numberOption('state-rate', args['state-rate'] ?? '2000', { min: 1 });
      const state = await measureStateCost(ladderOptions(), run, rate, cassandra, stateStations);
      const out = path.join(REPO_ROOT, 'bench', 'out', 'pipeline-state.json');
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(out, `${JSON.stringify({ measuredAt: new Date().toISOString(), ...state }, null, 2)}\n`);
      console.log(`written to ${path.relative(process.cwd(), out)}`);
      return;
    }

    if (args.only === 'ab') {
      await admin.deleteTopics({ topics: [topics.ceiling] });
      const otherRoot = path.resolve(args['ab-root'] ?? '');
      console.log(`Builds side by side at ${fmt(rates[0] ?? 0)}/s: this checkout and ${otherRoot}`);
      const comparison = await compareBuilds(ladderOptions(), run, {
        rate: rates[0] ?? 0,
        otherRoot,
        rounds: numberOption('ab-rounds', args['ab-rounds'], { min: 1, integer: true }),
        otherDetectorEnv: parseEnvPairs(args['ab-other-env'], 'ab-other-env'),
      });
      for (const [part, ratio] of Object.entries(comparison.ratio))
        console.log(
          `   ${part}: this ${fmt(comparison.cpuUsPerReading.this[part] ?? 0)} µs/reading, other ${fmt(comparison.cpuUsPerReading.other[part] ?? 0)}: ×${ratio.toFixed(3)}`,
        );
      const out = path.join(REPO_ROOT, 'bench', 'out', 'pipeline-ab.json');
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(
        out,
        `${JSON.stringify({ measuredAt: new Date().toISOString(), ...comparison }, null, 2)}\n`,
      );
      console.log(`written to ${path.relative(process.cwd(), out)}`);
      return;
    }

    if (args.only === 'ladder') {
      await admin.deleteTopics({ topics: [topics.ceiling] });
      const options = ladderOptions();
      const detector = await startDetector(options, run);
      try {
        for (const rate of rates) {
          const step = await runStep(detector, rate, options, run);
          printStep(step);
          if (!step.keptUp) break;
        }
      } finally {
        await detector.stop();
      }
      return;
    }

    console.log('1. Ceilings');
    const kafkaLib = await ensureMavenBundle(paths, KAFKA_BUNDLE, () => {});
    const kafkaCeilings = await measureKafkaCeilings({
      kafkaLib,
      bootstrap: KAFKA_BOOTSTRAP.join(','),
      clientProperties: await writeKafkaClientProperties(paths, secrets),
      topic: topics.ceiling,
      records: numberOption('ceiling-records', args['ceiling-records'], { min: 1, integer: true }),
      // A reading as the producers publish it is about 300 bytes of JSON.
      recordBytes: 300,
    });
    console.log(`   Kafka produce ${fmt(kafkaCeilings.produce)}/s, consume ${fmt(kafkaCeilings.consume)}/s`);
    // acks=all needs two replicas in sync, so the third may still be copying the ceiling's records: on
    // two cores that took a core for a minute into the first step. Deleting the topic ends it.
    await admin.deleteTopics({ topics: [topics.ceiling] });
    await cassandra.connect();
    const cassandraInsert = await measureCassandraCeiling(cassandra, {
      readings: 100_000,
      chunkSize: 500,
      stationPrefix: `bench-${run}`,
    });
    console.log(`   Cassandra insert ${fmt(cassandraInsert)}/s (the detector's repository, chunks of 500)`);

    console.log('2. Sustained rate');
    const options = ladderOptions();
    let detector = await startDetector(options, run);
    const steps: StepResult[] = [];
    let half: StepResult | undefined;
    try {
      for (const rate of rates) {
        const step = await runStep(detector, rate, options, run);
        steps.push(step);
        printStep(step);
        if (!step.keptUp) break;
      }
      const sustained = Math.max(0, ...steps.filter((s) => s.keptUp).map((s) => s.offered));
      const highest = steps.filter((s) => s.keptUp).at(-1);
      if (sustained > 0) {
        console.log(`3. Half load (${fmt(sustained / 2)}/s)`);
        // The last step left a backlog, and a heap grown to hold it that V8 does not give back: let the
        // backlog drain, then measure a fresh detector of the same group (it resumes at the committed
        // offsets), as a detector running at this rate would be.
        const drainedS = await waitForDrain(detector, sustained / 2, 180_000);
        await detector.stop();
        const compactedS = await waitForCompactions(300_000);
        detector = await startDetector(options, run);
        console.log(
          `   backlog drained in ${drainedS.toFixed(0)} s, Cassandra's compactions done ${compactedS.toFixed(0)} s later; detector restarted (RSS after the ladder ${fmt(steps.at(-1)?.detectorRssMb ?? 0)} MB)`,
        );
        half = await runStep(detector, sustained / 2, options, run);
        printStep(half);
        console.log(
          `     since the restart: ${fmt(half.detectorSinceStart.replayedReadings)} readings judged again from the last checkpoint, ${fmt(half.detectorSinceStart.groupJoins)} group joins`,
        );
      }
      await detector.stop();
      const stateRate = args['state-rate']
        ? numberOption('state-rate', args['state-rate'], { min: 1 })
        : Math.max(1, sustained / 2);
      const state = await measureStateCost(options, run, stateRate, cassandra, stateStations);
      const lowerCeiling = Math.min(kafkaCeilings.produce, kafkaCeilings.consume, cassandraInsert);
      const result = {
        measuredAt: new Date().toISOString(),
        ceiling: {
          kafkaProduce: kafkaCeilings.produce,
          kafkaConsume: kafkaCeilings.consume,
          cassandraInsert,
        },
        sustained,
        // At the highest step kept up (issue 18's targets are per stored reading).
        cpuUsPerReading: highest ? cpuUsPerReading(highest.coresBy, highest.stored) : null,
        ratio: sustained / lowerCeiling,
        latencyMs: half?.latencyMs ?? null,
        halfLoad: half ?? null,
        detectorCpu: half?.detectorCpu ?? null,
        detectorRssMb: half?.detectorRssMb ?? null,
        // The same detector at the end of the ladder, its heap grown by the step it could not keep up with.
        detectorRssMbAfterLadder: steps.at(-1)?.detectorRssMb ?? null,
        checkpoints: state.checkpoints,
        stateRestore: state.restore,
        steps,
      };
      const out = path.join(REPO_ROOT, 'bench', 'out', 'pipeline.json');
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
      console.log('');
      console.log(
        `ceiling: Kafka produce ${fmt(kafkaCeilings.produce)}/s, consume ${fmt(kafkaCeilings.consume)}/s, Cassandra insert ${fmt(cassandraInsert)}/s`,
      );
      console.log(
        `sustained: ${fmt(sustained)} readings/s = ${(result.ratio * 100).toFixed(0)} % of the lower ceiling (${fmt(lowerCeiling)}/s)`,
      );
      const us = result.cpuUsPerReading;
      if (us) {
        console.log(
          `CPU per stored reading at ${fmt(sustained)}/s: detector ${fmt(us.detector)} µs, Kafka ${fmt(us.kafka)}, Cassandra ${fmt(us.cassandra)}, producers ${fmt(us.producers)}, total ${fmt(us.total)}`,
        );
      }
      if (half) {
        console.log(
          `at ${fmt(half.offered)}/s: latency p50 ${fmt(half.latencyMs.p50)} ms, p95 ${fmt(half.latencyMs.p95)} ms, p99 ${fmt(half.latencyMs.p99)} ms (p99 of a producer's send ${fmt(half.producerSendP99Ms)} ms, of a Cassandra write ${fmt(half.cassandraWriteP99Ms)} ms); detector ${half.detectorCpu.toFixed(2)} cores, RSS ${half.detectorRssMb.toFixed(0)} MB (V8 heap in use ${half.detectorHeapMb.toFixed(0)} MB; stations ${fmt(half.stations.awake)} awake, ${fmt(half.stations.dormant)} dormant)`,
        );
      }
      console.log(
        `written to ${path.relative(process.cwd(), out)}; service logs in ${path.join(paths.logs, 'tests')}`,
      );
    } finally {
      await detector.stop();
    }
  } finally {
    // The ceiling topic was deleted once measured.
    const left = [topics.readings, topics.scored, topics.deadLetter];
    await admin.deleteTopics({ topics: left }).catch(() => {});
    await admin.disconnect();
    await cassandra.shutdown();
  }
}

/**
 * Steps 4 and 5: the detector's CPU per reading at `rate` with checkpoints off, then on (each a fresh
 * detector of its own group, the same warm-up and window), and the restore of `stations` stations.
 */
async function measureStateCost(
  options: LadderOptions,
  run: string,
  rate: number,
  cassandra: Client,
  stations: number,
) {
  console.log(`4. Checkpoint cost at ${fmt(rate)}/s`);
  const cpuPerReading: Record<'off' | 'on', number> = { off: 0, on: 0 };
  const steps: Record<'off' | 'on', StepResult[]> = { off: [], on: [] };
  // Alternated, twice each: the first step after the stack starts runs on a colder machine.
  for (const mode of ['off', 'on', 'off', 'on'] as const) {
    const env: Record<string, string> = mode === 'off' ? { DETECTOR_CHECKPOINT_INTERVAL_MS: '0' } : {};
    // One group for both, so the second resumes where the first stopped (a group of its own would start
    // at the topic's beginning, the first step's readings its backlog). The ladder's stations: a fresh
    // detector of the group restores every station it checkpointed, so stations of its own for each step
    // added up (with the ladder's 8 000, past what its heap holds: it died of it).
    const detector = await startDetector(
      { ...options, detectorEnv: { ...options.detectorEnv, ...env } },
      run,
    );
    try {
      const step = await runStep(detector, rate, options, run);
      steps[mode].push(step);
      const usPerReading = (step.coresBy.detector / Math.max(step.stored, 1)) * 1e6;
      cpuPerReading[mode] += usPerReading / 2;
      console.log(
        `   checkpoints ${mode}: offered ${fmt(step.offered)}/s produced ${fmt(step.produced)}/s stored ${fmt(step.stored)}/s ${step.keptUp ? 'kept up' : `NOT KEPT UP (${step.limitedBy})`}, detector ${fmt(usPerReading)} µs/reading, cassandra ${fmt((step.coresBy.cassandra / Math.max(step.stored, 1)) * 1e6)} µs/reading, p99 ${fmt(step.latencyMs.p99)} ms`,
      );
    } finally {
      await detector.stop();
    }
  }
  const overhead = cpuPerReading.on / Math.max(cpuPerReading.off, 1e-9) - 1;
  console.log(
    `   detector CPU per reading, mean of two steps each: off ${fmt(cpuPerReading.off)} µs, on ${fmt(cpuPerReading.on)} µs: ${(overhead * 100).toFixed(1)} % more with checkpoints`,
  );
  console.log(`5. Restore of ${fmt(stations)} stations`);
  const restore = await measureStateRestore(cassandra, { stations, partitions: 12, run });
  console.log(
    `   ${fmt(restore.bytesPerStation)} bytes per station deflated (${(restore.bytes / 1e6).toFixed(1)} MB); checkpoint of all ${restore.checkpointSeconds.toFixed(1)} s; restore ${restore.restoreSeconds.toFixed(2)} s (${fmt(restore.restoreUsPerStation)} µs per station), then each station's first reading ${fmt(restore.wakeUsPerStation)} µs`,
  );
  return {
    checkpoints: { rate, detectorCpuUsPerReading: cpuPerReading, overhead, steps },
    restore,
  };
}

/** One step of the ladder: rates, latency, the detector's CPU and memory, every part's cores. */
function printStep(step: StepResult): void {
  console.log(
    `   offered ${fmt(step.offered)}/s (${step.producers} producers) produced ${fmt(step.produced)}/s stored ${fmt(step.stored)}/s lag ${fmt(step.lagStart)} → ${fmt(step.lagEnd)} p99 ${fmt(step.latencyMs.p99)} ms (send ${fmt(step.producerSendP99Ms)}, write ${fmt(step.cassandraWriteP99Ms)}) cpu ${step.detectorCpu.toFixed(2)} ${describeDetectorRuntime(step)}, stations ${fmt(step.stations.awake)} awake, ${fmt(step.stations.dormant)} dormant ${step.keptUp ? 'kept up' : `NOT KEPT UP (${step.limitedBy})`}`,
  );
  console.log(`     cores: ${describeCores(step)}`);
  console.log(`     Kafka requests/s: ${describeRequests(step)}`);
}

function describeRequests(step: StepResult): string {
  return Object.entries(step.kafkaRequestsPerS)
    .filter(([request]) => !['FetchFollower', 'FetchConsumer'].includes(request))
    .sort(([, a], [, b]) => b - a)
    .map(([request, rate]) => `${request} ${fmt(rate)}`)
    .join(', ');
}

/** Where the cores went, largest first, with each part's CPU per reading stored. */
function describeCores(step: StepResult): string {
  return Object.entries(step.coresBy)
    .filter(([, cores]) => cores >= 0.005)
    .sort(([, a], [, b]) => b - a)
    .map(([part, cores]) => `${part} ${cores.toFixed(2)} (${fmt((cores / step.stored) * 1e6)} µs/reading)`)
    .join(', ');
}

function parseEnvPairs(pairs: readonly string[], option: string): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new Error(`--${option}: expected NAME=value (got ${pair})`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

function fmt(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–';
}

runMain(main);
