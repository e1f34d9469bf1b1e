import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from '../http-errors.js';

/**
 * Guards the admin routes with the bearer token from the environment. Without a configured token the
 * admin routes do not exist (404): there is no default token that could work in production.
 */
export function adminAuth(token: string | undefined): RequestHandler {
  // Hashing both sides gives equal lengths, so the comparison is constant-time whatever is sent.
  const expected = token ? digest(token) : undefined;
  return (request, _response, next) => {
    const header = request.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      throw new HttpError(401, 'unauthorized', 'expected an Authorization: Bearer <token> header');
    }
    if (!expected) {
      throw new HttpError(404, 'not_found', 'admin routes are off: EXPORTER_ADMIN_TOKEN is not set');
    }
    if (!timingSafeEqual(digest(match[1] as string), expected)) {
      throw new HttpError(403, 'forbidden', 'the bearer token is not the admin token');
    }
    next();
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
