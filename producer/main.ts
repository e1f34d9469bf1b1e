import { setTimeout as sleep } from 'node:timers/promises';
import { answerHelp } from '../common/config/env.js';
import { runMain } from '../common/config/run-main.js';
import { startHealthServer } from '../common/http/health-server.js';
import { kafkaClientFor } from '../common/kafka/client.js';
import { createLogger } from '../common/logger.js';
import type { Reading } from '../common/reading/reading.js';
import { retryWithBackoff } from '../common/retry.js';
import { onShutdown } from '../common/service/shutdown.js';
import { stopTracing } from '../common/telemetry/tracing.js';
import { loadProducerConfig, PRODUCER_CONFIG } from './config.js';
import { Fleet } from './fleet.js';
import { createProducerMetrics } from './metrics.js';
import { createKafkaReadingPublisher } from './readings.publisher.js';

/**
 * A producer replica: simulates its stations and publishes one reading per station every interval.
 * A failed send is retried with the same readings (no new ones are simulated meanwhile), so a Kafka
 * outage delays readings but neither drops them nor grows memory without bound.
 */
async function main(): Promise<void> {
  answerHelp(
    process.argv.slice(2),
    'The producer: simulates a fleet of stations and publishes their readings to Kafka.',
    PRODUCER_CONFIG,
  );
  const config = loadProducerConfig();
  const logger = createLogger({ service: 'producer', replica: config.replicaId }, config.logLevel);
  const metrics = createProducerMetrics();
  const kafka = kafkaClientFor(config, `sensorwatch-producer-${config.replicaId}`);
  const publisher = createKafkaReadingPublisher(kafka, config.readingsTopic, config.kafkaCompression);
  const fleet = new Fleet({
    replicaId: config.replicaId,
    profiles: config.profiles,
    stations: config.stations,
    anomalyRate: config.anomalyRate,
    originTs: Date.now(),
  });
  for (const profile of config.profiles) metrics.stations.labels(profile).set(config.stations);

  let connected = false;
  let lastError: string | undefined;
  const server = await startHealthServer({
    host: config.metricsHost,
    port: config.metricsPort,
    registry: metrics.registry,
    notReadyReason: () => (!connected ? 'not connected to Kafka' : lastError),
  });

  let running = true;
  let loop: Promise<void> = Promise.resolve();
  onShutdown(logger, config.shutdownGraceMs, async () => {
    running = false;
    await loop;
    await publisher.disconnect();
    await stopTracing();
    server.close();
  });

  await publisher.connect();
  connected = true;
  logger.info('producing', {
    stations: fleet.stations.length,
    profiles: config.profiles,
    readingsPerSecond: (fleet.stations.length * 1000) / config.intervalMs,
  });

  loop = (async () => {
    // Each interval is cut into `slices` steps; each step, one slice of the fleet reports. No more slices
    // than stations, so no slice is empty.
    const slices = Math.min(config.sendSlices, fleet.stations.length);
    const stepMs = config.intervalMs / slices;
    let nextTick = Date.now();
    let slice = 0;
    let pending: Reading[] = [];
    while (running) {
      if (pending.length === 0) {
        pending = fleet.tickSlice(Math.round(nextTick), slice, slices);
        slice = (slice + 1) % slices;
        nextTick += stepMs;
      }
      const timer = metrics.sendSeconds.startTimer();
      // The same readings until Kafka takes them (or the producer stops): a simulated station's readings
      // are never skipped.
      const sent = await retryWithBackoff(() => publisher.publish(pending).then(() => true), {
        initialMs: 100,
        maxMs: 10_000,
        isRetriable: () => running,
        onRetry: (error, backoffMs) => {
          metrics.produceErrors.inc();
          lastError = `send failing: ${(error as Error).message}`;
          logger.warn('send failed; retrying the same readings', {
            error,
            readings: pending.length,
            backoffMs,
          });
        },
      }).catch(() => false);
      if (!sent) break;
      timer();
      for (const reading of pending) {
        metrics.produced.labels(reading.profile).inc();
        if (reading.label) metrics.injected.labels(reading.profile, reading.label.kind).inc();
      }
      pending = [];
      lastError = undefined;
      const behindMs = Date.now() - nextTick;
      if (behindMs > 10 * config.intervalMs) {
        // Far behind (after an outage, or the rate is more than the cluster takes): skip ahead rather than
        // flood Kafka with a backlog of simulated past.
        logger.warn('falling behind; skipping ahead', { behindMs });
        nextTick = Date.now();
      } else if (behindMs < 0) {
        await sleep(-behindMs);
      }
    }
  })();
}

runMain(main);
