import type { Server } from 'node:http';
import { cassandraClientFor } from '../common/cassandra/client.js';
import { answerHelp } from '../common/config/env.js';
import { runMain } from '../common/config/run-main.js';
import { kafkaClientFor } from '../common/kafka/client.js';
import { createLogger } from '../common/logger.js';
import { profileNames, profiles } from '../common/reading/profiles.js';
import { onShutdown } from '../common/service/shutdown.js';
import { stopTracing } from '../common/telemetry/tracing.js';
import { cachedFor } from '../common/ttl-cache.js';
import { createCassandraAnomalyRepository } from '../storage/anomaly.repository.js';
import { createCassandraForecastRepository } from '../storage/forecast.repository.js';
import { createCassandraModelRegistry } from '../storage/model-registry.js';
import { createCassandraStationRepository } from '../storage/station.repository.js';
import { profilesWithStations } from '../storage/station-history.js';
import { createCassandraWarningRepository } from '../storage/warning.repository.js';
import { createExporterApp } from './app.js';
import { EXPORTER_CONFIG, loadExporterConfig } from './config.js';
import { ForecastSnapshot, registerForecastGauges } from './live/forecast-gauges.js';
import { registerLiveGauges } from './live/live-gauges.js';
import { LiveSensorState } from './live/live-sensor-state.js';
import { registerRuleThresholdGauge } from './live/rule-thresholds.js';
import { createScoredConsumer } from './live/scored.consumer.js';
import { createExporterMetrics } from './metrics.js';
import { ModelAdmin } from './models/model-admin.js';
import { DEFAULT_PREDICTOR_OPTIONS, Predictor } from './predict/predictor.js';

/** `load`, answered from memory for `ttlMs` after each call that reached it. */
async function main(): Promise<void> {
  answerHelp(
    process.argv.slice(2),
    'The exporter: live gauges for Prometheus and the REST API over the history.',
    EXPORTER_CONFIG,
  );
  const config = loadExporterConfig();
  const logger = createLogger({ service: 'exporter' }, config.logLevel);
  const cassandra = cassandraClientFor(config);
  const metrics = createExporterMetrics();
  const state = new LiveSensorState({
    maxStations: config.maxStations,
    staleAfterMs: config.staleAfterSeconds * 1000,
  });
  const counters = registerLiveGauges(metrics.registry, state);
  registerRuleThresholdGauge(metrics.registry, profiles());
  const scored = createScoredConsumer({
    kafka: kafkaClientFor(config, 'sensorwatch-exporter'),
    groupId: config.groupId,
    topic: config.scoredTopic,
    state,
    onDropped: () => counters.dropped.inc(),
    onInvalid: () => counters.invalid.inc(),
    logger,
  });
  const stations = createCassandraStationRepository(cassandra);
  const modelRegistry = createCassandraModelRegistry(cassandra, config.modelRegistry);
  const stats = { warmUp: config.warmUp, window: config.window };
  const forecasts = createCassandraForecastRepository(cassandra, config.modelRegistry);
  const app = createExporterApp({
    anomalies: createCassandraAnomalyRepository(cassandra, config.lookbackHours),
    stations,
    warnings: createCassandraWarningRepository(cassandra),
    forecasts,
    predictor: new Predictor(modelRegistry, stations, { ...DEFAULT_PREDICTOR_OPTIONS, stats }),
    models: new ModelAdmin(cassandra, modelRegistry, {
      stats,
      maxVectors: config.modelWindow,
      minVectors: 200,
      driftWindowMs: 3_600_000,
    }),
    profiles: cachedFor(30_000, async () => [
      ...new Set([...profileNames(), ...(await profilesWithStations(cassandra))]),
    ]),
    registry: metrics.registry,
    metrics,
    logger,
    kafkaReady: scored.isReady,
    rateLimit: {
      perSecond: config.rateLimitPerSecond,
      burst: config.rateLimitBurst,
      maxClients: 10_000,
    },
    adminToken: config.adminToken,
    maxBodyBytes: config.maxBodyBytes,
    forecastIntervalCoverage: 0.95,
  });
  const forecastSnapshot = new ForecastSnapshot(forecasts, config.maxStations * 16);
  registerForecastGauges(metrics.registry, forecastSnapshot);
  const refreshForecasts = () =>
    forecastSnapshot.refresh(Date.now()).catch((error) => logger.warn('loading forecasts failed', { error }));
  const forecastTimer = setInterval(refreshForecasts, config.forecastRefreshSeconds * 1000);
  forecastTimer.unref();
  await refreshForecasts();
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.port, config.host, (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  });
  onShutdown(logger, config.shutdownGraceMs, async () => {
    clearInterval(forecastTimer);
    await scored.stop();
    await new Promise((resolve) => server.close(resolve));
    await cassandra.shutdown();
    await stopTracing();
  });
  await scored.start();
  logger.info('serving', { port: config.port, scoredTopic: config.scoredTopic, groupId: config.groupId });
}

runMain(main);
