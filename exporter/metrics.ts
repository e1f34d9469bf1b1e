import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export function createExporterMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpSeconds: new Histogram({
      name: 'sensorwatch_http_request_duration_seconds',
      help: 'Exporter HTTP requests by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

export type ExporterMetrics = ReturnType<typeof createExporterMetrics>;
