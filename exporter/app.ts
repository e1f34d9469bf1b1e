import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from '../common/logger.js';
import type { AnomalyRepository } from '../storage/anomaly.repository.js';
import type { ForecastRepository } from '../storage/forecast.repository.js';
import type { StationRepository } from '../storage/station.repository.js';
import type { WarningRepository } from '../storage/warning.repository.js';
import { adminAuth } from './api/admin-auth.js';
import { apiDocument } from './api/api-routes.js';
import { type RateLimitOptions, rateLimit } from './api/rate-limit.js';
import type { ApiRoute } from './api/route.js';
import { serveRoutes } from './api/serve-routes.js';
import { AnomalyCounts } from './history/anomaly-counts.js';
import { errorHandler, notFound } from './http-errors.js';
import type { ExporterMetrics } from './metrics.js';
import type { ModelAdmin } from './models/model-admin.js';
import type { Predictor } from './predict/predictor.js';
import { anomalyRoutes } from './routes/anomalies.js';
import { forecastRoutes } from './routes/forecasts.js';
import { modelRoutes } from './routes/models.js';
import { predictRoutes } from './routes/predict.js';
import { stationRoutes } from './routes/stations.js';
import { summaryRoutes } from './routes/summary.js';
import { warningRoutes } from './routes/warnings.js';

export interface ExporterAppDependencies {
  readonly anomalies: AnomalyRepository;
  readonly stations: StationRepository;
  readonly warnings: WarningRepository;
  readonly forecasts: ForecastRepository;
  readonly predictor: Predictor;
  readonly models: ModelAdmin;
  /** Profiles that have stations (simulated and imported). */
  readonly profiles: () => Promise<string[]>;
  readonly registry: Registry;
  readonly metrics: ExporterMetrics;
  readonly logger: Logger;
  /** Whether the scored-topic consumer has joined its group, for /readyz. */
  readonly kafkaReady: () => boolean;
  readonly rateLimit: RateLimitOptions;
  /** The admin bearer token; undefined turns the admin routes off. */
  readonly adminToken: string | undefined;
  readonly maxBodyBytes: number;
  readonly forecastIntervalCoverage: number;
  readonly now?: () => number;
}

/** Every route of the API, declared once for both express and the OpenAPI document. */
export function apiRoutes(deps: ExporterAppDependencies): ApiRoute[] {
  const now = deps.now ?? (() => Date.now());
  const counts = new AnomalyCounts(deps.anomalies);
  return [
    ...anomalyRoutes({ anomalies: deps.anomalies, counts, now }),
    ...summaryRoutes({ counts, now }),
    ...stationRoutes({ stations: deps.stations, profiles: deps.profiles, now }),
    ...warningRoutes({ warnings: deps.warnings }),
    ...forecastRoutes({
      forecasts: deps.forecasts,
      stations: deps.stations,
      profiles: deps.profiles,
      intervalCoverage: deps.forecastIntervalCoverage,
      now,
    }),
    ...predictRoutes({ predictor: deps.predictor, now }),
    ...modelRoutes({ admin: deps.models, forecasts: deps.forecasts, now }),
  ];
}

/** The exporter's HTTP surface: /metrics, health, readiness (Cassandra and Kafka) and the REST API. */
export function createExporterApp(deps: ExporterAppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use((request, response, next) => {
    const stop = deps.metrics.httpSeconds.startTimer();
    response.on('finish', () => {
      // The matched route pattern, never the raw path, keeps the label's values bounded.
      const route = request.route?.path ?? (response.statusCode === 404 ? 'unmatched' : 'other');
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

  const routes = apiRoutes(deps);
  const document = apiDocument(routes);
  app.get('/api/openapi.json', (_request, response) => {
    response.json(document);
  });
  // Bodies past the limit are refused with a 413 before they are read into memory.
  app.use('/api', express.json({ limit: deps.maxBodyBytes }));
  app.use(
    serveRoutes(routes, {
      rateLimit: rateLimit(deps.rateLimit),
      admin: adminAuth(deps.adminToken),
    }),
  );
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
