// First: V8's flags, before the other modules allocate.
import './v8-flags.js';
import { cassandraClientFor } from '../common/cassandra/client.js';
import { answerHelp } from '../common/config/env.js';
import { runMain } from '../common/config/run-main.js';
import { startHealthServer } from '../common/http/health-server.js';
import { kafkaClientFor } from '../common/kafka/client.js';
import { createLogger } from '../common/logger.js';
import { onShutdown } from '../common/service/shutdown.js';
import { stopTracing } from '../common/telemetry/tracing.js';
import { MODEL_NAMES } from '../scoring/config.js';
import { InMemoryForecastBook } from '../scoring/forecast-band.model.js';
import type { ModelBundle } from '../scoring/model-bundle.js';
import { createScoringCore } from '../scoring/scoring-core.js';
import { createCassandraForecastRepository } from '../storage/forecast.repository.js';
import { createCassandraModelRegistry } from '../storage/model-registry.js';
import { createCassandraReadingRepository } from '../storage/reading.repository.js';
import { createCassandraStationStateRepository } from '../storage/station-state.repository.js';
import { createModelLifecycle } from '../training/model-lifecycle.js';
import { loadForecasts } from './adapters/forecast-loader.js';
import { createKafkaDetectorOutputs } from './adapters/kafka-outputs.js';
import { createReadingsConsumer } from './adapters/readings.consumer.js';
import { DETECTOR_CONFIG, detectorVersion, loadDetectorConfig } from './config.js';
import { createDetector } from './detector.js';
import {
  createDetectorMetrics,
  initialiseDetectorMetrics,
  registerCheckpointGauges,
  registerModelGauges,
} from './metrics.js';
import { StateCheckpoints } from './state-checkpoints.js';

/** The detector's composition root: reads config, builds the adapters, wires them and owns shutdown. */
async function main(): Promise<void> {
  answerHelp(
    process.argv.slice(2),
    'The detector: validates, scores and stores every reading, and publishes the verdicts.',
    DETECTOR_CONFIG,
  );
  const config = loadDetectorConfig();
  const version = detectorVersion(config);
  const logger = createLogger({ service: 'detector', version }, config.logLevel);
  const metrics = createDetectorMetrics();
  initialiseDetectorMetrics(metrics);
  const kafka = kafkaClientFor(config, 'sensorwatch-detector');
  const cassandra = cassandraClientFor(config);
  const outputs = createKafkaDetectorOutputs(
    kafka,
    { scored: config.scoredTopic, deadLetter: config.deadLetterTopic },
    { compression: config.kafkaCompression, scoredLingerMs: config.scoredLingerMs },
  );
  // The core reports what it trains to the lifecycle, and the lifecycle adopts versions into the core:
  // each needs the other, so the core's callback reaches the lifecycle through `register`, set once the
  // lifecycle exists. Nothing is scored (so nothing trained) before then; if it were, it would wait here.
  const trainedEarly: ModelBundle[] = [];
  let register = (bundle: ModelBundle) => {
    trainedEarly.push(bundle);
  };
  const forecastBook = new InMemoryForecastBook();
  const forecasts = createCassandraForecastRepository(cassandra, config.modelRegistry);
  const scorer = createScoringCore({
    ...(config.models.includes('forecast')
      ? { forecasts: forecastBook, forecastFarZ: config.forecastFarZ }
      : {}),
    thresholds: { warningZ: config.warningZ, criticalZ: config.criticalZ },
    stats: { warmUp: config.warmUp, window: config.window },
    multiSensor: {
      window: config.modelWindow,
      minTraining: config.modelMinTraining,
      retrainEvery: config.modelRetrainEvery,
      windowSpanMs: config.modelWindowSpanS * 1000,
    },
    without: MODEL_NAMES.filter((name) => !config.models.includes(name)),
    clock: () => Date.now(),
    // What the core trains itself goes to the registry, so other detectors and the API see it.
    onTrained: (bundle) => register(bundle),
  });
  const lifecycle = createModelLifecycle({
    core: scorer,
    registry: createCassandraModelRegistry(cassandra, config.modelRegistry),
    logger,
    policy: {
      psiThreshold: config.driftPsi,
      action: config.driftAction,
      minRecent: config.driftMinRecent,
      cooldownMs: config.driftCooldownS * 1000,
    },
  });
  register = (bundle) => {
    lifecycle.registerTrained(bundle).catch((error) => {
      logger.warn('could not register a trained model version', { profile: bundle.profile, error });
    });
  };
  for (const bundle of trainedEarly.splice(0)) register(bundle);
  registerModelGauges(metrics.registry, scorer, lifecycle);
  const detector = createDetector({
    scorer,
    repository: createCassandraReadingRepository(cassandra, { batchRows: config.cassandraBatchRows }),
    outputs,
    metrics,
    logger,
    detectorVersion: version,
    traceTarget: { groupId: config.groupId, keyspace: config.cassandraKeyspace },
  });
  const checkpoints =
    config.checkpointIntervalMs > 0
      ? new StateCheckpoints({
          core: scorer,
          // Written behind the chunks, checkpoints need not be quick: few rows in flight leave Cassandra to
          // the readings' writes.
          repository: createCassandraStationStateRepository(cassandra, { concurrency: 4 }),
          groupId: config.groupId,
          topic: config.readingsTopic,
          intervalMs: config.checkpointIntervalMs,
          ...(config.stationDormantAfterMs > 0 ? { dormantAfterMs: config.stationDormantAfterMs } : {}),
          metrics,
          logger,
        })
      : undefined;
  if (checkpoints)
    registerCheckpointGauges(
      metrics.registry,
      () => checkpoints.ages(),
      () => checkpoints.stationCounts(),
      config.checkpointIntervalMs,
    );
  const consumer = createReadingsConsumer({
    kafka,
    groupId: config.groupId,
    topic: config.readingsTopic,
    chunkSize: config.chunkSize,
    partitionsConcurrently: config.partitionsConcurrently,
    commitIntervalMs: config.commitIntervalMs,
    ...(checkpoints ? { checkpoints } : {}),
    fetchBatching: { maxWaitMs: config.fetchMaxWaitMs, minBytes: config.fetchMinBytes },
    detector,
    metrics,
    logger,
  });

  const server = await startHealthServer({
    host: config.metricsHost,
    port: config.metricsPort,
    registry: metrics.registry,
    notReadyReason: () => (consumer.isConnected() ? detector.notReadyReason() : 'not connected to Kafka'),
  });
  /** Runs `task` every `ms`, one run at a time; a failure is logged and the next run tries again. */
  function every(ms: number, task: () => Promise<void>, what: string): NodeJS.Timeout {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      task()
        .catch((error) => logger.warn(`${what} failed`, { error }))
        .finally(() => {
          running = false;
        });
    }, ms);
    timer.unref();
    return timer;
  }
  let timers: NodeJS.Timeout[] = [];
  onShutdown(logger, config.shutdownGraceMs, async () => {
    for (const timer of timers) clearInterval(timer);
    await consumer.stop();
    await outputs.disconnect();
    await cassandra.shutdown();
    await stopTracing();
    server.close();
  });

  await cassandra.connect();
  // Registry versions first, so the first readings are judged by them rather than by nothing.
  await lifecycle.syncFromRegistry();
  timers = [
    every(config.registryPollS * 1000, () => lifecycle.syncFromRegistry(), 'following the model registry'),
    every(config.driftCheckS * 1000, () => lifecycle.checkDrift(), 'measuring drift'),
    every(
      config.forecastPollS * 1000,
      async () => {
        await loadForecasts(forecasts, forecastBook, Date.now());
      },
      'loading forecasts',
    ),
  ];
  await loadForecasts(forecasts, forecastBook, Date.now()).catch((error) =>
    logger.warn('loading forecasts failed', { error }),
  );
  await outputs.connect();
  await consumer.start();
  logger.info('detecting', {
    groupId: config.groupId,
    topic: config.readingsTopic,
    metricsPort: config.metricsPort,
  });
}

runMain(main);
