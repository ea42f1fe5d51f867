/**
 * The binary attachment routes (not JSON, so outside ROUTES and the operations table):
 * the streamed upload and the downloads. They authenticate and take the rate step as
 * the table's routes do (operations/bind-http.ts, rate-step.ts). Registered in their own Fastify scope where no body parser runs: the
 * upload handler reads the raw request stream itself. Also runs the orphan sweep.
 */
import { ATTACHMENT_BINARY_ROUTES, ConversationAttachmentParams, DownloadQuery, UploadQuery, type AttachmentId, type ConversationId, type UserId } from '@parley/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services';
import { AppError } from '../domain/errors';
import { bearer } from '../operations/bind-http';
import { perUser } from '../operations/kit';
import { takeRateStep } from '../operations/rate-step';
import { parseInput } from './validate';

/** The declared body length: null for a chunked body, 0 for none. */
function declaredLength(req: FastifyRequest): number | null {
  if (req.headers['transfer-encoding'] !== undefined) return null;
  const raw = req.headers['content-length'];
  if (raw === undefined) return 0;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new AppError('BAD_REQUEST', 'invalid content-length');
  return n;
}

export async function registerAttachmentRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { config, log } = services.deps;
  const attachments = services.attachments;

  /** The operations table's authentication and rate step (request budget, per user), for routes outside it. */
  async function authenticated(req: FastifyRequest): Promise<UserId> {
    const auth = await services.auth.authenticate(bearer(req));
    await takeRateStep(services.deps, perUser('request'), { userId: auth.userId, ip: req.ip });
    return auth.userId;
  }

  async function download(req: FastifyRequest, reply: FastifyReply, variant: 'file' | 'thumbnail') {
    const params = parseInput(ConversationAttachmentParams, req.params, 'params');
    const query = parseInput(DownloadQuery, req.query ?? {}, 'query');
    const conversationId = params.id as ConversationId;
    const id = params.attachmentId as AttachmentId;
    let viewer: UserId;
    if (query.sig !== undefined || query.exp !== undefined || query.u !== undefined) {
      const holder = await attachments.verifyDownload(conversationId, id, variant, query);
      if (!holder) throw new AppError('UNAUTHENTICATED', 'the link is invalid, expired or revoked');
      viewer = holder;
    } else {
      viewer = await authenticated(req);
    }
    const d = await attachments.download(viewer, conversationId, id, variant);
    return reply
      .header('content-type', d.contentType)
      .header('content-length', d.size)
      .header('content-disposition', d.disposition)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, max-age=300')
      .send(d.body);
  }

  await app.register(async (scope) => {
    // No parser consumes the body: the upload streams req.raw itself, and the JSON
    // body limit does not apply (the upload limit does).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
    // A refused upload's body is not read: close the connection instead of draining it.
    scope.addHook('onSend', async (req, reply, payload) => {
      if (reply.statusCode >= 400 && !req.raw.complete) reply.header('connection', 'close');
      return payload;
    });

    scope.post(ATTACHMENT_BINARY_ROUTES.upload.path, { config: { streamedBody: true } }, async (req, reply) => {
      const query = parseInput(UploadQuery, req.query ?? {}, 'query');
      let userId: UserId;
      if (query.sig !== undefined) {
        const uid = await attachments.verifyUploadUrl(query);
        if (!uid) throw new AppError('UNAUTHENTICATED', 'the upload link is invalid, expired or revoked');
        userId = uid;
      } else {
        userId = await authenticated(req);
      }
      const length = declaredLength(req);
      attachments.checkDeclaredLength(length);
      const attachment = await attachments.upload(userId, { name: query.name, body: req.raw, declaredLength: length });
      return reply.code(201).send({ attachment });
    });
    scope.get(ATTACHMENT_BINARY_ROUTES.download.path, (req, reply) => download(req, reply, 'file'));
    scope.get(ATTACHMENT_BINARY_ROUTES.thumbnail.path, (req, reply) => download(req, reply, 'thumbnail'));
  });

  // Every node sweeps; each deletion is conditional, so overlapping sweeps are harmless.
  const everyMs = Math.max(1000, Math.min(config.attachments.orphanTtlSec * 1000, 3_600_000) / 4);
  let timer: ReturnType<typeof setInterval> | null = null;
  app.addHook('onReady', async () => {
    timer = setInterval(() => {
      attachments.sweep().catch((err: unknown) => log.warn({ err }, 'attachment sweep failed'));
    }, everyMs);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
    await attachments.blobs.close();
  });
}
