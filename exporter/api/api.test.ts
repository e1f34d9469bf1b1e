import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openApiDocument } from './openapi.js';
import { errorBody } from './problem.js';
import { TokenBuckets } from './rate-limit.js';
import { defineRoute } from './route.js';

describe('token buckets', () => {
  it('when a client spends its burst, then it waits for tokens at the sustained rate; others are unaffected', () => {
    const buckets = new TokenBuckets({ perSecond: 2, burst: 3, maxClients: 10 });
    const allowed = [0, 0, 0, 0].map(() => buckets.take('a', 1_000).allowed);
    expect(allowed).toEqual([true, true, true, false]);
    expect(buckets.take('a', 1_000).retryAfterS).toBe(1);
    expect(buckets.take('b', 1_000).allowed).toBe(true);
    // Half a second earns one token at 2/s.
    expect(buckets.take('a', 1_500).allowed).toBe(true);
    expect(buckets.take('a', 1_500).allowed).toBe(false);
  });

  it('when more clients come than it remembers, then the idlest is forgotten', () => {
    const buckets = new TokenBuckets({ perSecond: 1, burst: 1, maxClients: 2 });
    buckets.take('a', 0);
    buckets.take('b', 0);
    buckets.take('a', 0);
    buckets.take('c', 0);
    expect(buckets.clients).toBe(2);
    // b was forgotten, so it starts with a full bucket; a was kept and is still empty.
    expect(buckets.take('b', 0).allowed).toBe(true);
  });
});

describe('OpenAPI document', () => {
  const query = z.strictObject({
    limit: z.coerce.number().int().min(1).max(10).default(5).describe('How many.'),
    kind: z.enum(['x', 'y']).optional(),
  });
  const document = openApiDocument(
    [
      defineRoute({
        method: 'get',
        path: '/api/things/{id}',
        operationId: 'things',
        summary: 'Things',
        tag: 'things',
        access: 'public',
        params: z.strictObject({ id: z.string().regex(/^[a-z]+$/) }),
        query,
        responses: {
          200: { description: 'ok', schema: z.object({ n: z.number() }) },
          400: { description: 'bad', schema: errorBody },
        },
        handle: async () => ({ body: { n: 1 } }),
      }),
      defineRoute({
        method: 'post',
        path: '/api/things',
        operationId: 'makeThing',
        summary: 'Make',
        tag: 'things',
        access: 'admin',
        body: z.strictObject({ name: z.string() }),
        responses: { 200: { description: 'ok' } },
        handle: async () => ({ body: {} }),
      }),
    ],
    { title: 't', version: '1', description: 'd' },
  ) as {
    openapi: string;
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: unknown[];
          security?: unknown;
          requestBody?: unknown;
          responses: Record<string, unknown>;
        }
      >
    >;
    components: { schemas: Record<string, unknown> };
  };

  it('when routes declare schemas, then each becomes parameters, a body and responses of its operation', () => {
    expect(document.openapi).toBe('3.0.3');
    const get = document.paths['/api/things/{id}']?.get;
    expect(get?.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z]+$' } },
      {
        name: 'limit',
        in: 'query',
        required: false,
        description: 'How many.',
        schema: { type: 'integer', minimum: 1, maximum: 10, default: 5 },
      },
      { name: 'kind', in: 'query', required: false, schema: { type: 'string', enum: ['x', 'y'] } },
    ]);
    expect(get?.responses['400']).toEqual({
      description: 'bad',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    });
    expect(document.components.schemas.Error).toMatchObject({ type: 'object', required: ['error'] });
  });

  it('when a route is admin only, then it requires the bearer token scheme', () => {
    const post = document.paths['/api/things']?.post;
    expect(post?.security).toEqual([{ adminToken: [] }]);
    expect(post?.requestBody).toMatchObject({ required: true });
    expect(document.paths['/api/things/{id}']?.get?.security).toBeUndefined();
  });
});
