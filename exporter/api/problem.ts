import { z } from 'zod';

/** The one shape of every error the API sends: `{ error: { code, message } }`. */
export const errorBody = z
  .object({
    error: z.object({
      code: z.string().describe('Stable, machine-readable: invalid_request, not_found, unauthorized, ...'),
      message: z.string().describe('What was wrong, naming the field when a field was.'),
    }),
  })
  .meta({ id: 'Error' });

/** The error responses most routes share, for the OpenAPI document. */
export const COMMON_ERRORS = {
  400: { description: 'Invalid input; the message names the field.', schema: errorBody },
  429: {
    description: 'Too many requests from this client; retry after the Retry-After seconds.',
    schema: errorBody,
  },
} as const;

/** The errors of routes that take a JSON body. */
export const BODY_ERRORS = {
  413: { description: 'The body is larger than EXPORTER_MAX_BODY_BYTES.', schema: errorBody },
  415: { description: 'The body is not JSON (Content-Type: application/json).', schema: errorBody },
} as const;
