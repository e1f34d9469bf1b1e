import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from '../common/logger.js';
import type { AnomalyRepository } from './anomaly.repository.js';
import { errorHandler, notFound } from './http-errors.js';
import type { ExporterMetrics } from './metrics.js';
import { anomaliesRouter } from './routes/anomalies.js';

export interface ExporterAppDependencies {
  readonly anomalies: AnomalyRepository;
  readonly registry: Registry;
  readonly metrics: ExporterMetrics;
  readonly logger: Logger;
  /** Whether the scored-topic consumer has joined its group, for /readyz. */
  readonly kafkaReady: () => boolean;
}

/** The exporter's HTTP surface: /metrics, health, readiness (Cassandra reachable) and the REST API. */
export function createExporterApp(deps: ExporterAppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use((request, response, next) => {
    const stop = deps.metrics.httpSeconds.startTimer();
    response.on('finish', () => {
      // The matched route pattern, never the raw path, keeps the label's values bounded.
      const route = request.route?.path ?? (response.statusCode === 404 ? 'unmatched' : request.path);
      stop({ method: request.method, route: String(route), status: String(response.statusCode) });
    });
    next();
  });

  app.get('/metrics', async (_request, response) => {
    response.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
  app.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  app.get('/readyz', async (_request, response) => {
    const kafka = deps.kafkaReady() ? 'ok' : 'not in its consumer group yet';
    const cassandra = await deps.anomalies.ping().then(
      () => 'ok',
      (error: Error) => error.message,
    );
    const ready = kafka === 'ok' && cassandra === 'ok';
    response.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', kafka, cassandra });
  });
  app.use(anomaliesRouter(deps.anomalies));
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
