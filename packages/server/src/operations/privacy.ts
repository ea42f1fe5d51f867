/** My data export and account erasure (GDPR). */
import { Readable } from 'node:stream';
import type { HttpBindings, RouteInput } from './kit';
import { http, perUser, userOp } from './kit';

export const privacyOperations = {
  /** Its own budget (PARLEY_RATE_EXPORT): an export reads everything of mine. Taken before any byte is sent. */
  exportMyData: userOp({ rate: perUser('export'), run: async (s, c) => s.privacy.exportArchive(c.userId) }),
  /** Its own budget (PARLEY_RATE_ERASE), not the login rule's: see config.rateLimits.erase. */
  eraseAccount: userOp({ rate: perUser('erase'), run: (s, c, input: RouteInput<'eraseAccount'>) => s.privacy.erase(c.userId, input.password) }),
};

const ops = privacyOperations;

export const privacyRoutes: Pick<HttpBindings, 'exportMyData' | 'eraseAccount'> = {
  exportMyData: http('exportMyData', ops.exportMyData, {
    reply: ({ fileName, chunks }, res) => {
      // Streamed: the archive is never whole in memory. An error mid-stream cuts the
      // download short (invalid JSON) rather than sending a partial archive as complete.
      res.fastify
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="${fileName}"`)
        .header('cache-control', 'no-store');
      // Fastify sends a stream, and the route's result is the reply itself.
      return res.fastify.send(Readable.from(chunks)) as never;
    },
  }),
  eraseAccount: http('eraseAccount', ops.eraseAccount),
};
