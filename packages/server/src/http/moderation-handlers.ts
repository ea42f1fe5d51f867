/** Handlers of the moderation area's routes (MODERATION_ROUTES), merged into buildHandlers. */
import type { UserId } from '@parley/protocol';
import type { AuthContext } from '../domain/auth/auth-service';
import type { Services } from '../domain/services';
import type { UserRecord } from '../store/port';
import type { Handlers } from './handlers';

type ModerationHandlers = Pick<
  Handlers,
  'blockUser' | 'unblockUser' | 'listBlocks' | 'reportMessage' | 'adminListReports' | 'adminResolveReport' | 'adminDeleteMessage' | 'adminSuspendUser' | 'adminUnsuspendUser'
>;

function authed(ctx: { auth: AuthContext | null }): { id: UserId; user: UserRecord } {
  if (!ctx.auth) throw new Error('route declared auth: true reached without auth');
  return { id: ctx.auth.userId, user: ctx.auth.user };
}

export function moderationHandlers(s: Services): ModerationHandlers {
  const m = s.moderation;
  return {
    blockUser: async (ctx) => m.block(authed(ctx).id, ctx.body.userId),
    unblockUser: async (ctx) => m.unblock(authed(ctx).id, ctx.params.userId),
    listBlocks: async (ctx) => m.listBlocks(authed(ctx).id),
    reportMessage: async (ctx) => m.report(authed(ctx).id, ctx.params.id, ctx.params.messageId, ctx.body.reason),
    adminListReports: async (ctx) => m.listReports(authed(ctx).user, ctx.query),
    adminResolveReport: async (ctx) => m.resolveReport(authed(ctx).user, ctx.params.reportId),
    adminDeleteMessage: async (ctx) => m.deleteMessage(authed(ctx).user, ctx.params.id, ctx.params.messageId),
    adminSuspendUser: async (ctx) => m.suspend(authed(ctx).user, ctx.params.userId),
    adminUnsuspendUser: async (ctx) => m.unsuspend(authed(ctx).user, ctx.params.userId),
  };
}
