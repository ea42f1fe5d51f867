/** Notifications, mutes and browser push subscriptions; which conversation a socket shows (focus). */
import type { FrameData, HttpBindings, RouteInput, SocketCaller, WsBindings } from './kit';
import { http, perUser, userOp, ws } from './kit';

const request = perUser('request');

export const notificationOperations = {
  listNotifications: userOp({ rate: request, run: (s, c, input: RouteInput<'listNotifications'>) => s.notifications.list(c.userId, input) }),
  markNotificationRead: userOp({ rate: request, run: (s, c, input: RouteInput<'markNotificationRead'>) => s.notifications.markRead(c.userId, input.notificationId) }),
  markAllNotificationsRead: userOp({ rate: request, run: (s, c, input: RouteInput<'markAllNotificationsRead'>) => s.notifications.markAllRead(c.userId, input.conversationId) }),
  getMute: userOp({ rate: request, run: (s, c, input: RouteInput<'getMute'>) => s.notifications.getMute(c.userId, input.id) }),
  setMute: userOp({ rate: request, run: (s, c, input: RouteInput<'setMute'>) => s.notifications.setMute(c.userId, input.id, input.muted) }),
  vapidKey: userOp({ rate: request, run: async (s) => s.notifications.vapidPublicKey() }),
  addPushSubscription: userOp({ rate: request, run: (s, c, input: RouteInput<'addPushSubscription'>) => s.notifications.subscribe(c.userId, input) }),
  removePushSubscription: userOp({ rate: request, run: (s, c, input: RouteInput<'removePushSubscription'>) => s.notifications.unsubscribe(c.userId, input.endpoint) }),
  /** The conversation this socket shows (null: none); kept per connection. */
  focus: userOp({ rate: request, run: (s, c: SocketCaller, input: FrameData<'focus'>) => s.notifications.setFocus(c.connection.userId, c.connection.id, input.conversationId) }),
};

const ops = notificationOperations;

export const notificationRoutes: Pick<
  HttpBindings,
  'listNotifications' | 'markNotificationRead' | 'markAllNotificationsRead' | 'getMute' | 'setMute' | 'vapidKey' | 'addPushSubscription' | 'removePushSubscription'
> = {
  listNotifications: http('listNotifications', ops.listNotifications),
  markNotificationRead: http('markNotificationRead', ops.markNotificationRead),
  markAllNotificationsRead: http('markAllNotificationsRead', ops.markAllNotificationsRead),
  getMute: http('getMute', ops.getMute),
  setMute: http('setMute', ops.setMute),
  vapidKey: http('vapidKey', ops.vapidKey),
  addPushSubscription: http('addPushSubscription', ops.addPushSubscription),
  removePushSubscription: http('removePushSubscription', ops.removePushSubscription),
};

export const notificationFrames: Pick<WsBindings, 'focus'> = {
  focus: ws('focus', ops.focus, (data) => data, () => ({})),
};
