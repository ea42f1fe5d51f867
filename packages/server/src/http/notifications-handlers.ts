/** Handlers of the notifications area's routes (NOTIFICATION_ROUTES), merged into buildHandlers. */
import type { UserId } from '@parley/protocol';
import type { AuthContext } from '../domain/auth/auth-service';
import type { Services } from '../domain/services';
import type { Handlers } from './handlers';

type NotificationHandlers = Pick<
  Handlers,
  'listNotifications' | 'markNotificationRead' | 'markAllNotificationsRead' | 'getMute' | 'setMute' | 'vapidKey' | 'addPushSubscription' | 'removePushSubscription'
>;

function me(ctx: { auth: AuthContext | null }): UserId {
  if (!ctx.auth) throw new Error('route declared auth: true reached without auth');
  return ctx.auth.userId;
}

export function notificationHandlers(s: Services): NotificationHandlers {
  const n = s.notifications;
  return {
    listNotifications: async (ctx) => n.list(me(ctx), ctx.query),
    markNotificationRead: async (ctx) => n.markRead(me(ctx), ctx.params.notificationId),
    markAllNotificationsRead: async (ctx) => n.markAllRead(me(ctx), ctx.body.conversationId),
    getMute: async (ctx) => n.getMute(me(ctx), ctx.params.id),
    setMute: async (ctx) => n.setMute(me(ctx), ctx.params.id, ctx.body.muted),
    vapidKey: async () => n.vapidPublicKey(),
    addPushSubscription: async (ctx) => n.subscribe(me(ctx), ctx.body),
    removePushSubscription: async (ctx) => n.unsubscribe(me(ctx), ctx.query.endpoint),
  };
}
