import { packageVersion } from '../../common/config/package-version.js';
import { openApiDocument } from './openapi.js';
import type { ApiRoute } from './route.js';

/** The OpenAPI document of the routes, served at /api/openapi.json. */
export function apiDocument(routes: readonly ApiRoute[]) {
  return openApiDocument(routes, {
    title: 'sensorwatch API',
    version: packageVersion(),
    description:
      'History, anomalies, warnings, forecasts and models of the sensorwatch stack. Errors are `{ "error": { "code", "message" } }`; public routes are rate limited per client.',
  });
}
