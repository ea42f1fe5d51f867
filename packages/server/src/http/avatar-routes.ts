/**
 * The binary avatar routes (outside ROUTES, like attachments'): the upload reads the raw
 * body itself, so it lives in a scope without body parsers; the image is public.
 */
import { AVATAR_BINARY_ROUTES, AvatarImageParams, type UserId } from '@parley/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services';
import { AppError } from '../domain/errors';
import { parseInput } from './validate';

function bearer(req: FastifyRequest): string | undefined {
  const m = /^Bearer ([A-Za-z0-9._~+/=-]{1,4096})$/.exec(req.headers.authorization ?? '');
  return m?.[1];
}

function declaredLength(req: FastifyRequest): number | null {
  if (req.headers['transfer-encoding'] !== undefined) return null;
  const n = Number(req.headers['content-length'] ?? 0);
  if (!Number.isSafeInteger(n) || n < 0) throw new AppError('BAD_REQUEST', 'invalid content-length');
  return n;
}

export async function registerAvatarRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { limiter, config, clock } = services.deps;

  app.get(AVATAR_BINARY_ROUTES.image.path, async (req, reply) => {
    const params = parseInput(AvatarImageParams, req.params, 'params');
    const image = await services.avatars.open(params.userId as UserId, params.version);
    return reply
      .header('content-type', 'image/webp')
      .header('content-length', image.size)
      .header('content-disposition', 'inline; filename="avatar.webp"')
      // The URL changes with every upload: this one never shows anything else.
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(image.body);
  });

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
    scope.addHook('onSend', async (req, reply, payload) => {
      if (reply.statusCode >= 400 && !req.raw.complete) reply.header('connection', 'close');
      return payload;
    });
    scope.put(AVATAR_BINARY_ROUTES.upload.path, { config: { streamedBody: true } }, async (req, reply) => {
      const auth = await services.auth.authenticate(bearer(req));
      const verdict = await limiter.hit(`req:${auth.userId}`, config.rateLimits.request, clock());
      if (!verdict.ok) throw new AppError('RATE_LIMITED', 'too many requests', { retryAfterMs: verdict.retryAfterMs });
      services.avatars.checkDeclaredLength(declaredLength(req));
      return reply.send({ user: await services.avatars.upload(auth.userId, req.raw) });
    });
  });
}
