import { z } from 'zod';
import type { ApiRoute } from './route.js';

type JsonSchema = Record<string, unknown>;

export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
  readonly description: string;
}

/**
 * The OpenAPI 3.0 document of the declared routes, generated from the same zod schemas that validate
 * requests. Schemas with a `.meta({ id })` become shared components, referenced from every use.
 */
export function openApiDocument(routes: readonly ApiRoute[], info: OpenApiInfo): JsonSchema {
  const components: Record<string, JsonSchema> = {};
  const schemaOf = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
    const generated = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' });
    // Shared schemas (those given an id with .meta) come out as definitions: they become components.
    const {
      definitions,
      $defs,
      $schema: _ignored,
      ...rest
    } = componentRefs(generated) as JsonSchema & {
      definitions?: Record<string, JsonSchema>;
      $defs?: Record<string, JsonSchema>;
    };
    for (const [id, definition] of Object.entries({ ...definitions, ...$defs })) components[id] = definition;
    return rest;
  };

  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const parameters = [
      ...parametersOf(route.params, 'path', schemaOf),
      ...parametersOf(route.query, 'query', schemaOf),
    ];
    const responses: Record<string, JsonSchema> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema
          ? { content: { 'application/json': { schema: schemaOf(response.schema, 'output') } } }
          : {}),
      };
    }
    const operation: JsonSchema = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schemaOf(route.body, 'input') } },
            },
          }
        : {}),
      responses,
      ...(route.access === 'admin' ? { security: [{ adminToken: [] }] } : {}),
    };
    paths[route.path] = { ...paths[route.path], [route.method]: operation };
  }

  return {
    openapi: '3.0.3',
    info,
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'The token in EXPORTER_ADMIN_TOKEN; admin routes are off (404) when it is not set.',
        },
      },
    },
  };
}

function parametersOf(
  schema: z.ZodObject | undefined,
  location: 'path' | 'query',
  schemaOf: (schema: z.ZodType, io: 'input' | 'output') => JsonSchema,
): JsonSchema[] {
  if (!schema) return [];
  const objectSchema = schemaOf(schema, 'input') as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(objectSchema.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === 'path' || (objectSchema.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

/** Points every local reference (`#/definitions/X`, `#/$defs/X`) at the document's components. */
function componentRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(componentRefs);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === '$ref' && typeof inner === 'string'
        ? inner.replace(/^#\/(definitions|\$defs)\//, '#/components/schemas/')
        : componentRefs(inner),
    ]),
  );
}
