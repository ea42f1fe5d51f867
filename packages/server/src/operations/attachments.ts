/**
 * The JSON routes of attachments. The upload and the downloads are binary streams on
 * routes of their own (http/attachments-routes.ts) that take the same rate step.
 */
import type { HttpBindings, RouteInput } from './kit';
import { http, perUser, userOp } from './kit';

export const attachmentOperations = {
  createUploadUrl: userOp({ rate: perUser('request'), run: async (s, c) => s.attachments.uploadUrl(c.userId) }),
  deleteUpload: userOp({ rate: perUser('request'), run: (s, c, input: RouteInput<'deleteUpload'>) => s.attachments.deleteUpload(c.userId, input.attachmentId) }),
  attachmentLinks: userOp({ rate: perUser('request'), run: (s, c, input: RouteInput<'attachmentLinks'>) => s.attachments.links(c.userId, input.id, input.attachmentIds) }),
};

const ops = attachmentOperations;

export const attachmentRoutes: Pick<HttpBindings, 'createUploadUrl' | 'deleteUpload' | 'attachmentLinks'> = {
  createUploadUrl: http('createUploadUrl', ops.createUploadUrl),
  deleteUpload: http('deleteUpload', ops.deleteUpload),
  attachmentLinks: http('attachmentLinks', ops.attachmentLinks),
};
