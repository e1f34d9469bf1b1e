import { createCassandraClient } from '../common/cassandra/client.js';
import { runMain } from '../common/config/run-main.js';
import { startHealthServer } from '../common/http/health-server.js';
import { createKafkaClient } from '../common/kafka/client.js';
import { createLogger } from '../common/logger.js';
import { onShutdown } from '../common/service/shutdown.js';
import { createKafkaDetectorOutputs } from './adapters/kafka-outputs.js';
import { createCassandraReadingRepository } from './adapters/reading.repository.js';
import { createReadingsConsumer } from './adapters/readings.consumer.js';
import { detectorVersion, loadDetectorConfig, MODEL_NAMES } from './config.js';
import { createDetector } from './detector.js';
import { createDetectorMetrics, initialiseDetectorMetrics, registerModelGauges } from './metrics.js';
import { createScoringCore } from './scoring/scoring-core.js';

/** The detector's composition root: reads config, builds the adapters, wires them and owns shutdown. */
async function main(): Promise<void> {
  const config = loadDetectorConfig();
  const version = detectorVersion(config);
  const logger = createLogger({ service: 'detector', version }, config.logLevel);
  const metrics = createDetectorMetrics();
  initialiseDetectorMetrics(metrics);
  const kafka = createKafkaClient({ clientId: 'sensorwatch-detector', brokers: config.kafkaBrokers });
  const cassandra = createCassandraClient({
    contactPoints: config.cassandraContactPoints,
    localDataCenter: config.cassandraDatacenter,
    keyspace: config.cassandraKeyspace,
  });
  const outputs = createKafkaDetectorOutputs(kafka, {
    scored: config.scoredTopic,
    deadLetter: config.deadLetterTopic,
  });
  const vectorModelOptions = {
    window: config.modelWindow,
    minTraining: config.modelMinTraining,
    retrainEvery: config.modelRetrainEvery,
    windowSpanMs: config.modelWindowSpanS * 1000,
  };
  const scorer = createScoringCore({
    thresholds: { warningZ: config.warningZ, criticalZ: config.criticalZ },
    stats: { warmUp: config.warmUp, window: config.window },
    kmeans: vectorModelOptions,
    isolationForest: vectorModelOptions,
    without: MODEL_NAMES.filter((name) => !config.models.includes(name)),
  });
  registerModelGauges(metrics.registry, [scorer.kmeans, scorer.isolationForest]);
  const detector = createDetector({
    scorer,
    repository: createCassandraReadingRepository(cassandra),
    outputs,
    metrics,
    logger,
    detectorVersion: version,
  });
  const consumer = createReadingsConsumer({
    kafka,
    groupId: config.groupId,
    topic: config.readingsTopic,
    chunkSize: config.chunkSize,
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
  onShutdown(logger, config.shutdownGraceMs, async () => {
    await consumer.stop();
    await outputs.disconnect();
    await cassandra.shutdown();
    server.close();
  });

  await cassandra.connect();
  await outputs.connect();
  await consumer.start();
  logger.info('detecting', {
    groupId: config.groupId,
    topic: config.readingsTopic,
    metricsPort: config.metricsPort,
  });
}

runMain(main);
