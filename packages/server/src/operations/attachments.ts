/**
 * The JSON routes of attachments. Links are minted for the caller's account record
 * (its sessionVersion is signed in, so logging out everywhere ends them). The upload and the downloads are binary streams on
 * routes of their own (http/attachments-routes.ts) that take the same rate step.
 */
import type { HttpBindings, HttpCaller, RouteInput } from './kit';
import { http, perUser, userOp } from './kit';

export const attachmentOperations = {
  createUploadUrl: userOp({ rate: perUser('request'), run: async (s, c: HttpCaller) => s.attachments.uploadUrl(c.user) }),
  deleteUpload: userOp({ rate: perUser('request'), run: (s, c, input: RouteInput<'deleteUpload'>) => s.attachments.deleteUpload(c.userId, input.attachmentId) }),
  attachmentLinks: userOp({ rate: perUser('request'), run: (s, c: HttpCaller, input: RouteInput<'attachmentLinks'>) => s.attachments.links(c.user, input.id, input.attachmentIds) }),
};

const ops = attachmentOperations;

export const attachmentRoutes: Pick<HttpBindings, 'createUploadUrl' | 'deleteUpload' | 'attachmentLinks'> = {
  createUploadUrl: http('createUploadUrl', ops.createUploadUrl),
  deleteUpload: http('deleteUpload', ops.deleteUpload),
  attachmentLinks: http('attachmentLinks', ops.attachmentLinks),
};
