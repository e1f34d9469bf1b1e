import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { profileNames, sensorsOf } from '../common/reading/profiles.js';
import { REJECTION_CODES } from '../common/reading/reading.js';

/**
 * The detector's metrics on a registry of its own. Every label has a bounded set of values (profiles,
 * sensors, severities, rejection codes, partitions): never a station or reading id.
 */
export function createDetectorMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    consumed: new Counter({
      name: 'sensorwatch_readings_consumed_total',
      help: 'Messages read from the readings topic, valid or not.',
      registers,
    }),
    stored: new Counter({
      name: 'sensorwatch_readings_stored_total',
      help: 'Valid readings written to Cassandra.',
      labelNames: ['profile'] as const,
      registers,
    }),
    deadLettered: new Counter({
      name: 'sensorwatch_readings_dead_lettered_total',
      help: 'Malformed or out-of-schema messages sent to the dead-letter topic, by reason.',
      labelNames: ['code'] as const,
      registers,
    }),
    anomalies: new Counter({
      name: 'sensorwatch_anomalies_total',
      help: 'Readings judged anomalous, by profile, worst sensor and severity.',
      labelNames: ['profile', 'sensor', 'severity'] as const,
      registers,
    }),
    endToEndSeconds: new Histogram({
      name: 'sensorwatch_end_to_end_latency_seconds',
      help: 'Time from a reading’s timestamp until it is stored in Cassandra.',
      labelNames: ['profile'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    cassandraWriteSeconds: new Histogram({
      name: 'sensorwatch_cassandra_write_seconds',
      help: 'Time to write one chunk of readings (all its rows, concurrently) to Cassandra.',
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    cassandraWriteErrors: new Counter({
      name: 'sensorwatch_cassandra_write_errors_total',
      help: 'Failed Cassandra writes; the chunk is retried and its offsets are not committed meanwhile.',
      labelNames: ['retriable'] as const,
      registers,
    }),
    consumerLag: new Gauge({
      name: 'sensorwatch_consumer_lag_messages',
      help: 'Messages on a readings partition not yet processed by this detector (high watermark − next offset).',
      labelNames: ['partition'] as const,
      registers,
    }),
  };
}

export type DetectorMetrics = ReturnType<typeof createDetectorMetrics>;

/**
 * Creates every known label combination at zero, so rate() and alerts see a series before the first
 * event (a counter that appears only when it first counts hides its first increase from rate()).
 */
export function initialiseDetectorMetrics(metrics: DetectorMetrics): void {
  for (const code of REJECTION_CODES) metrics.deadLettered.labels(code).inc(0);
  for (const retriable of ['true', 'false']) metrics.cassandraWriteErrors.labels(retriable).inc(0);
  for (const profile of profileNames()) {
    metrics.stored.labels(profile).inc(0);
    for (const sensor of sensorsOf(profile)) {
      for (const severity of ['warning', 'critical'])
        metrics.anomalies.labels(profile, sensor, severity).inc(0);
    }
  }
}
