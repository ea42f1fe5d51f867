import { Readable } from 'node:stream';
import type { Services } from '../domain/services';
import type { Handler } from './handlers';

/** Handlers of PRIVACY_ROUTES, merged into buildHandlers. */
export function privacyHandlers(s: Services): { exportMyData: Handler<'exportMyData'>; eraseAccount: Handler<'eraseAccount'> } {
  return {
    exportMyData: async ({ auth, reply }) => {
      const userId = auth!.userId;
      await s.privacy.admitExport(userId);
      const name = `parley-export-${new Date(s.deps.clock()).toISOString().slice(0, 10)}.json`;
      // Streamed: the archive is never whole in memory. An error mid-stream cuts the
      // download short (invalid JSON) rather than sending a partial archive as complete.
      reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'no-store');
      // Fastify sends a stream and the route's result is the reply itself.
      return reply.send(Readable.from(s.privacy.exportChunks(userId))) as never;
    },
    eraseAccount: async ({ auth, body }) => {
      const userId = auth!.userId;
      await s.privacy.erase(userId, body.password);
      // Erasure detached my files; delete them and their bytes now rather than at the
      // next orphan sweep (which still catches any this misses).
      for (const f of await s.deps.store.privacy.filesOf(userId)) {
        await s.attachments.deleteUpload(userId, f.id).catch((err: unknown) => s.deps.log.warn({ err, userId }, 'erasure: file left for the sweep'));
      }
      // The avatar image too (erasure already cleared avatarUrl, so it is no longer served).
      await s.avatars.forget(userId).catch((err: unknown) => s.deps.log.warn({ err, userId }, 'erasure: avatar image not deleted'));
    },
  };
}
