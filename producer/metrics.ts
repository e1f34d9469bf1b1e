import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The producer's metrics, on a registry of its own (no global state; tests build their own). */
export function createProducerMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    produced: new Counter({
      name: 'sensorwatch_readings_produced_total',
      help: 'Readings acknowledged by Kafka (acks=all).',
      labelNames: ['profile'] as const,
      registers: [registry],
    }),
    injected: new Counter({
      name: 'sensorwatch_anomalies_injected_total',
      help: 'Produced readings that carry an injected anomaly label (ground truth).',
      labelNames: ['profile', 'kind'] as const,
      registers: [registry],
    }),
    produceErrors: new Counter({
      name: 'sensorwatch_produce_errors_total',
      help: 'Sends that failed after the client retries; their readings are sent again on the next tick.',
      registers: [registry],
    }),
    sendSeconds: new Histogram({
      name: 'sensorwatch_produce_send_seconds',
      help: 'Time from handing a tick of readings to Kafka until all are acknowledged.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    stations: new Gauge({
      name: 'sensorwatch_producer_stations',
      help: 'Stations this producer replica simulates.',
      labelNames: ['profile'] as const,
      registers: [registry],
    }),
  };
}

export type ProducerMetrics = ReturnType<typeof createProducerMetrics>;
