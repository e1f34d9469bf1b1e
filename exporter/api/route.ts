import type { Request } from 'express';
import type { z } from 'zod';

/** Who may call a route: anyone (rate limited), or holders of the admin bearer token. */
export type RouteAccess = 'public' | 'admin';

export interface RouteResponse {
  readonly description: string;
  /** The body's schema; documented in the OpenAPI document and checked by the API tests. */
  readonly schema?: z.ZodType;
}

/** What a handler returns: the body, and a status other than 200 when there is one. */
export interface RouteResult {
  readonly status?: number;
  readonly body: unknown;
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

/**
 * One API operation, declared once: express serves it from this declaration (validating the query, the
 * path parameters and the body with its zod schemas) and the OpenAPI document is generated from the same
 * declaration, so the contract and the validation cannot disagree.
 */
export interface ApiRoute<
  Q extends z.ZodObject | undefined = z.ZodObject | undefined,
  P extends z.ZodObject | undefined = z.ZodObject | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
> {
  readonly method: 'get' | 'post';
  /** OpenAPI style: `/api/stations/{id}/readings`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  readonly access: RouteAccess;
  /** GET answers may be this old (served from a cache shared by all clients, and said so in Cache-Control). */
  readonly cacheSeconds?: number;
  readonly query?: Q;
  readonly params?: P;
  readonly body?: B;
  readonly responses: Readonly<Record<number, RouteResponse>>;
  handle(input: {
    query: Parsed<Q>;
    params: Parsed<P>;
    body: Parsed<B>;
    request: Request;
  }): Promise<RouteResult>;
}

/** Declares a route with its handler's input types inferred from its schemas. */
export function defineRoute<
  Q extends z.ZodObject | undefined = undefined,
  P extends z.ZodObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(route: ApiRoute<Q, P, B>): ApiRoute {
  return route as unknown as ApiRoute;
}

/** The express form of an OpenAPI path: `{id}` becomes `:id`. */
export function expressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}
