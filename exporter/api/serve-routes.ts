import { type RequestHandler, Router } from 'express';
import type { z } from 'zod';
import { HttpError, validInput } from '../http-errors.js';
import { type CachedBody, ResponseCache } from './response-cache.js';
import { type ApiRoute, expressPath } from './route.js';

export interface RouteGuards {
  /** Applied to public routes. */
  readonly rateLimit: RequestHandler;
  /** Applied to admin routes: answers 401/403, or 404 when admin routes are off. */
  readonly admin: RequestHandler;
}

/**
 * Mounts the declared routes on a router: each request's path parameters, query and body are validated
 * with the route's schemas (a 400 names the first offending field) before the handler sees them.
 */
export function serveRoutes(routes: readonly ApiRoute[], guards: RouteGuards): Router {
  const router = Router();
  const cache = new ResponseCache();
  for (const route of routes) {
    const guard = route.access === 'admin' ? guards.admin : guards.rateLimit;
    router[route.method](expressPath(route.path), guard, async (request, response) => {
      const params = parseOrUndefined(route.params, request.params, 'path');
      const query = parseOrUndefined(route.query, request.query, 'query');
      if (route.body && request.body === undefined) {
        throw new HttpError(
          415,
          'unsupported_media_type',
          'expected a JSON body (Content-Type: application/json)',
        );
      }
      const body = parseOrUndefined(route.body, request.body, 'body');
      const result = await route.handle({ params, query, body, request } as Parameters<
        ApiRoute['handle']
      >[0]);
      response.status(result.status ?? 200).json(result.body);
    });
  }
  return router;
}

function parseOrUndefined(schema: z.ZodType | undefined, input: unknown, where: string): unknown {
  return schema ? validInput(schema, input, where) : undefined;
}
