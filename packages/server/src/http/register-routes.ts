import { ROUTES, type RouteDef, type RouteName } from '@parley/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services';
import type { Handlers } from './handlers';
import { parseInput } from './validate';
import { AppError } from '../domain/errors';

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer ([A-Za-z0-9._~+/=-]{1,4096})$/.exec(h);
  return m?.[1];
}

function isJson(contentType: string | undefined): boolean {
  const mime = contentType?.split(';')[0]?.trim().toLowerCase();
  return mime === 'application/json';
}

/** Registers every route of the protocol table: authenticate, validate, rate-limit, call the handler. */
export function registerRoutes(app: FastifyInstance, services: Services, handlers: Handlers): void {
  const { limiter, config, clock } = services.deps;
  for (const name of Object.keys(ROUTES) as RouteName[]) {
    const def: RouteDef = ROUTES[name];
    const handler = handlers[name] as (ctx: unknown) => Promise<unknown>;
    app.route({
      method: def.method,
      url: def.path,
      handler: async (req, reply) => {
        const auth = def.auth ? await services.auth.authenticate(bearer(req)) : null;
        if (auth) {
          const verdict = await limiter.hit(`req:${auth.userId}`, config.rateLimits.request, clock());
          if (!verdict.ok) {
            throw new AppError('RATE_LIMITED', 'too many requests', { retryAfterMs: verdict.retryAfterMs });
          }
        }
        // Fastify parses text/plain too; the API speaks JSON only (a string body would
        // otherwise surface as a confusing BAD_REQUEST instead of the media-type error).
        if (req.body !== undefined && !isJson(req.headers['content-type'])) {
          throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'send JSON with content-type application/json');
        }
        const params = def.params ? parseInput(def.params, req.params, 'params') : undefined;
        const query = def.query ? parseInput(def.query, req.query ?? {}, 'query') : undefined;
        const body = def.body ? parseInput(def.body, req.body ?? {}, 'body') : undefined;
        reply.code(def.status);
        const result = await handler({ auth, params, query, body, ip: req.ip, reply });
        if (def.status === 204 && reply.statusCode === 204) return reply.send();
        return result;
      },
    });
  }
}
