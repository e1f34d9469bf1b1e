import type { Server } from 'node:http';
import { createCassandraClient } from '../common/cassandra/client.js';
import { runMain } from '../common/config/run-main.js';
import { createKafkaClient } from '../common/kafka/client.js';
import { createLogger } from '../common/logger.js';
import { profiles } from '../common/reading/profiles.js';
import { onShutdown } from '../common/service/shutdown.js';
import { stopTracing } from '../common/telemetry/tracing.js';
import { createCassandraAnomalyRepository } from './anomaly.repository.js';
import { createExporterApp } from './app.js';
import { loadExporterConfig } from './config.js';
import { registerLiveGauges } from './live/live-gauges.js';
import { LiveSensorState } from './live/live-sensor-state.js';
import { registerRuleThresholdGauge } from './live/rule-thresholds.js';
import { createScoredConsumer } from './live/scored.consumer.js';
import { createExporterMetrics } from './metrics.js';

async function main(): Promise<void> {
  const config = loadExporterConfig();
  const logger = createLogger({ service: 'exporter' }, config.logLevel);
  const cassandra = createCassandraClient({
    contactPoints: config.cassandraContactPoints,
    localDataCenter: config.cassandraDatacenter,
    keyspace: config.cassandraKeyspace,
  });
  const metrics = createExporterMetrics();
  const state = new LiveSensorState({
    maxStations: config.maxStations,
    staleAfterMs: config.staleAfterSeconds * 1000,
  });
  const counters = registerLiveGauges(metrics.registry, state);
  registerRuleThresholdGauge(metrics.registry, profiles());
  const scored = createScoredConsumer({
    kafka: createKafkaClient({ clientId: 'sensorwatch-exporter', brokers: config.kafkaBrokers }),
    groupId: config.groupId,
    topic: config.scoredTopic,
    state,
    onDropped: () => counters.dropped.inc(),
    onInvalid: () => counters.invalid.inc(),
    logger,
  });
  const app = createExporterApp({
    anomalies: createCassandraAnomalyRepository(cassandra, config.lookbackHours),
    registry: metrics.registry,
    metrics,
    logger,
    kafkaReady: scored.isReady,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.port, config.host, (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  });
  onShutdown(logger, config.shutdownGraceMs, async () => {
    await scored.stop();
    await new Promise((resolve) => server.close(resolve));
    await cassandra.shutdown();
    await stopTracing();
  });
  await scored.start();
  logger.info('serving', { port: config.port, scoredTopic: config.scoredTopic, groupId: config.groupId });
}

runMain(main);
