import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { z } from 'zod';
import type { Logger } from '../common/logger.js';

/** An error meant for the client: its status and message are sent as they are. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Parses a query string with `schema`, or throws a 400 that names the first offending parameter. */
export function validQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  return validInput(schema, query, 'query');
}

/**
 * Parses one part of a request (`query`, `path` or `body`) with `schema`, or throws a 400 whose message
 * names the first offending field (`limit: expected at most 1000`) or, for a wrong body as a whole, `body`.
 */
export function validInput<S extends z.ZodType>(schema: S, input: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field =
    issue?.path.join('.') || (issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : where);
  throw new HttpError(400, 'invalid_request', `${field}: ${issue?.message ?? 'invalid'}`);
}

/** Every error becomes JSON of one shape, `{ error: { code, message } }`; only unexpected ones are 500s. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, request, response, _next) => {
    if (error instanceof HttpError) {
      response.status(error.status).json({ error: { code: error.code, message: error.message } });
      return;
    }
    // express.json() and friends mark client errors with a 4xx status.
    const status =
      typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) logger.error('request failed', { error, path: request.path });
    response.status(status).json({
      error: {
        code: status === 500 ? 'internal' : 'bad_request',
        message: status === 500 ? 'internal error' : error.message,
      },
    });
  };
}

export const notFound: RequestHandler = (request, response) => {
  response
    .status(404)
    .json({ error: { code: 'not_found', message: `no route for ${request.method} ${request.path}` } });
};
