/**
 * Binds every route of the protocol's ROUTES to its operation: authenticate, check the
 * media type, validate, take the rate step, run, reply. The same steps for every route,
 * in this order, so a 401 comes before a 400 and a 400 before a 429.
 */
import { ROUTES, type RouteDef, type RouteName } from '@parley/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services';
import { AppError } from '../domain/errors';
import { parseInput } from '../http/validate';
import { readDeviceToken } from '../http/device-cookie';
import type { HttpBinding, HttpCaller, HttpInput, HttpResponse } from './kit';
import { takeRateStep } from './rate-step';
import { HTTP_BINDINGS } from './table';

export function bearer(req: FastifyRequest): string | undefined {
  const m = /^Bearer ([A-Za-z0-9._~+/=-]{1,4096})$/.exec(req.headers.authorization ?? '');
  return m?.[1];
}

function isJson(contentType: string | undefined): boolean {
  const mime = contentType?.split(';')[0]?.trim().toLowerCase();
  return mime === 'application/json';
}

export function bindHttp(app: FastifyInstance, services: Services): void {
  for (const name of Object.keys(ROUTES) as RouteName[]) {
    const def: RouteDef = ROUTES[name];
    const binding = HTTP_BINDINGS[name] as HttpBinding<RouteName>;
    const op = binding.operation;
    // The protocol says who may call a route; the operation says who it serves. They must agree.
    if (def.auth !== op.auth) throw new Error(`route ${name} has auth ${def.auth} but its operation ${op.auth}`);
    app.route({
      method: def.method,
      url: def.path,
      handler: async (req, reply) => {
        const auth = op.auth ? await services.auth.authenticate(bearer(req)) : null;
        // Fastify parses text/plain too; the API speaks JSON only (a string body would
        // otherwise surface as a confusing BAD_REQUEST instead of the media-type error).
        if (req.body !== undefined && !isJson(req.headers['content-type'])) {
          throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'send JSON with content-type application/json');
        }
        const parsed = {
          params: def.params ? parseInput(def.params, req.params, 'params') : undefined,
          query: def.query ? parseInput(def.query, req.query ?? {}, 'query') : undefined,
          body: def.body ? parseInput(def.body, req.body ?? {}, 'body') : undefined,
        } as HttpInput<RouteName>;
        const input = binding.input(parsed);
        await takeRateStep(services.deps, op.rate, { ...(auth ? { userId: auth.userId } : {}), ip: req.ip });
        reply.code(def.status);
        const res: HttpResponse = { status: (code) => void reply.code(code), fastify: reply };
        const result = op.auth
          ? await op.run(services, { userId: auth!.userId, sessionId: auth!.sessionId, user: auth!.user, ip: req.ip } satisfies HttpCaller, input)
          : await op.run(services, { ip: req.ip, deviceToken: readDeviceToken(req.headers.cookie) }, input);
        const out = await binding.reply(result, res);
        if (def.status === 204 && reply.statusCode === 204) return reply.send();
        return out;
      },
    });
  }
}
