import { type RequestHandler, Router } from 'express';
import type { z } from 'zod';
import { TtlCache } from '../../common/ttl-cache.js';
import { HttpError, validInput } from '../http-errors.js';

import { type ApiRoute, expressPath } from './route.js';

/** A serialized GET answer, kept for the route's cacheSeconds. */
interface CachedBody {
  readonly status: number;
  readonly json: string;
}

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
  const cache = new TtlCache<string, CachedBody>();
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
      const run = async (): Promise<CachedBody> => {
        const input = { params, query, body, request } as Parameters<ApiRoute['handle']>[0];
        const result = await route.handle(input);
        return { status: result.status ?? 200, json: JSON.stringify(result.body) };
      };
      const answer =
        route.cacheSeconds && route.method === 'get'
          ? await cache.get(request.originalUrl, route.cacheSeconds * 1000, Date.now(), run)
          : await run();
      if (route.cacheSeconds) response.setHeader('Cache-Control', `public, max-age=${route.cacheSeconds}`);
      response.status(answer.status).type('application/json').send(answer.json);
    });
  }
  // A known path asked with a method it does not have: 405 with the methods it has.
  const methodsByPath = new Map<string, string[]>();
  for (const route of routes) {
    methodsByPath.set(route.path, [...(methodsByPath.get(route.path) ?? []), route.method.toUpperCase()]);
  }
  for (const [path, methods] of methodsByPath) {
    router.all(expressPath(path), (request, response) => {
      response.setHeader('Allow', methods.join(', '));
      response.status(405).json({
        error: {
          code: 'method_not_allowed',
          message: `${request.method} is not allowed here; use ${methods.join(' or ')}`,
        },
      });
    });
  }
  return router;
}

function parseOrUndefined(schema: z.ZodType | undefined, input: unknown, where: string): unknown {
  return schema ? validInput(schema, input, where) : undefined;
}
