/** Blocks and reports; the admin's reports, deletions and suspensions (the admin's account is the one authentication read). */
import type { HttpBindings, HttpCaller, RouteInput } from './kit';
import { http, perUser, userOp } from './kit';

const request = perUser('request');

export const moderationOperations = {
  blockUser: userOp({ rate: request, run: (s, c, input: RouteInput<'blockUser'>) => s.moderation.block(c.userId, input.userId) }),
  unblockUser: userOp({ rate: request, run: (s, c, input: RouteInput<'unblockUser'>) => s.moderation.unblock(c.userId, input.userId) }),
  listBlocks: userOp({ rate: request, run: (s, c) => s.moderation.listBlocks(c.userId) }),
  reportMessage: userOp({ rate: request, run: (s, c, input: RouteInput<'reportMessage'>) => s.moderation.report(c.userId, input.id, input.messageId, input.reason) }),
  adminListReports: userOp({ rate: request, run: (s, c: HttpCaller, input: RouteInput<'adminListReports'>) => s.moderation.listReports(c.user, input) }),
  adminResolveReport: userOp({ rate: request, run: (s, c: HttpCaller, input: RouteInput<'adminResolveReport'>) => s.moderation.resolveReport(c.user, input.reportId) }),
  adminDeleteMessage: userOp({ rate: request, run: (s, c: HttpCaller, input: RouteInput<'adminDeleteMessage'>) => s.moderation.deleteMessage(c.user, input.id, input.messageId) }),
  adminSuspendUser: userOp({ rate: request, run: (s, c: HttpCaller, input: RouteInput<'adminSuspendUser'>) => s.moderation.suspend(c.user, input.userId) }),
  adminUnsuspendUser: userOp({ rate: request, run: (s, c: HttpCaller, input: RouteInput<'adminUnsuspendUser'>) => s.moderation.unsuspend(c.user, input.userId) }),
};

const ops = moderationOperations;

export const moderationRoutes: Pick<
  HttpBindings,
  'blockUser' | 'unblockUser' | 'listBlocks' | 'reportMessage' | 'adminListReports' | 'adminResolveReport' | 'adminDeleteMessage' | 'adminSuspendUser' | 'adminUnsuspendUser'
> = {
  blockUser: http('blockUser', ops.blockUser),
  unblockUser: http('unblockUser', ops.unblockUser),
  listBlocks: http('listBlocks', ops.listBlocks),
  reportMessage: http('reportMessage', ops.reportMessage),
  adminListReports: http('adminListReports', ops.adminListReports),
  adminResolveReport: http('adminResolveReport', ops.adminResolveReport),
  adminDeleteMessage: http('adminDeleteMessage', ops.adminDeleteMessage),
  adminSuspendUser: http('adminSuspendUser', ops.adminSuspendUser),
  adminUnsuspendUser: http('adminUnsuspendUser', ops.adminUnsuspendUser),
};
