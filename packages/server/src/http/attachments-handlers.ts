/** JSON routes of the attachments area; merged into buildHandlers. */
import type { ATTACHMENT_ROUTES } from '@parley/protocol';
import type { Services } from '../domain/services';
import type { Handlers } from './handlers';

export function attachmentHandlers(s: Services): Pick<Handlers, keyof typeof ATTACHMENT_ROUTES> {
  return {
    createUploadUrl: async (ctx) => s.attachments.uploadUrl(ctx.auth!.user),
    deleteUpload: async (ctx) => s.attachments.deleteUpload(ctx.auth!.userId, ctx.params.attachmentId),
    attachmentLinks: async (ctx) => s.attachments.links(ctx.auth!.user, ctx.params.id, ctx.body.attachmentIds),
  };
}
