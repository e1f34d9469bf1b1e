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
