import { ERRORS, ROUTES, type RouteDef } from '@parley/protocol';
import { z } from 'zod';

/** OpenAPI 3.1 generated from the protocol's route table: the document cannot drift from the code. */
export function buildOpenApi(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const json = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  for (const [name, def] of Object.entries(ROUTES) as [string, RouteDef][]) {
    const path = def.path.replace(/:(\w+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [['path', def.params], ['query', def.query]] as const) {
      if (!schema) continue;
      const js = json(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [key, prop] of Object.entries(js.properties ?? {})) {
        parameters.push({ name: key, in: where, required: where === 'path' || (js.required ?? []).includes(key), schema: prop });
      }
    }
    const responses: Record<string, unknown> = {
      [def.status]: def.response
        ? { description: 'OK', content: { 'application/json': { schema: json(def.response, 'output') } } }
        : { description: 'No content' },
    };
    for (const code of new Set(['BAD_REQUEST', ...(def.auth ? ['UNAUTHENTICATED'] : []), ...def.errors, 'INTERNAL'] as (keyof typeof ERRORS)[])) {
      const status = String(ERRORS[code].status);
      const existing = responses[status] as { description: string } | undefined;
      responses[status] = {
        description: existing ? `${existing.description}, ${code}` : code,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
    paths[path] ??= {};
    paths[path]![def.method.toLowerCase()] = {
      operationId: name,
      summary: def.summary,
      ...(def.auth ? { security: [{ bearer: [] }] } : { security: [] }),
      ...(parameters.length ? { parameters } : {}),
      ...(def.body ? { requestBody: { required: true, content: { 'application/json': { schema: json(def.body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Parley API', version: '1', description: 'REST API of Parley. Real-time events use the WebSocket at /ws (see docs/protocol.md).' },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: { type: 'string', enum: Object.keys(ERRORS) },
            message: { type: 'string' },
            retryAfterMs: { type: 'integer' },
            issues: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
  };
}
