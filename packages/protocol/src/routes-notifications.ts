/**
 * Routes of the notifications area (see notifications.ts). Only a type import from
 * routes.ts (see routes-attachments.ts for why).
 */
import type { RouteDef } from './routes';
import {
  MarkAllNotificationsReadBody,
  MuteBody,
  MuteResponse,
  NotificationListQuery,
  NotificationListResponse,
  NotificationParams,
  PushSubscriptionBody,
  PushSubscriptionQuery,
  UnreadCountResponse,
  VapidKeyResponse,
} from './notifications';
import { IdParams } from './rest';

export const NOTIFICATION_ROUTES = {
  listNotifications: { method: 'GET', path: '/api/notifications', summary: 'My notifications, newest first, keyset-paged, with my unread count', auth: true, query: NotificationListQuery, response: NotificationListResponse, status: 200, errors: [] },
  markNotificationRead: { method: 'POST', path: '/api/notifications/:notificationId/read', summary: 'Mark one of my notifications read (again changes nothing)', auth: true, params: NotificationParams, response: UnreadCountResponse, status: 200, errors: ['NOT_FOUND'] },
  markAllNotificationsRead: { method: 'POST', path: '/api/notifications/read-all', summary: 'Mark all my notifications read, or those of one conversation', auth: true, body: MarkAllNotificationsReadBody, response: UnreadCountResponse, status: 200, errors: [] },
  getMute: { method: 'GET', path: '/api/conversations/:id/mute', summary: 'Whether I muted a conversation', auth: true, params: IdParams, response: MuteResponse, status: 200, errors: ['NOT_FOUND'] },
  setMute: { method: 'PUT', path: '/api/conversations/:id/mute', summary: 'Mute or unmute a conversation for me: no message notifications and no browser push (mentions still notify in the app)', auth: true, params: IdParams, body: MuteBody, response: MuteResponse, status: 200, errors: ['NOT_FOUND'] },
  vapidKey: { method: 'GET', path: '/api/push/vapid-key', summary: 'The server\'s VAPID public key, for PushManager.subscribe', auth: true, response: VapidKeyResponse, status: 200, errors: [] },
  addPushSubscription: { method: 'POST', path: '/api/push/subscriptions', summary: 'Store a browser push subscription of mine (again with the same endpoint replaces it)', auth: true, body: PushSubscriptionBody, status: 204, errors: [] },
  removePushSubscription: { method: 'DELETE', path: '/api/push/subscriptions', summary: 'Forget one of my push subscriptions by endpoint (unknown endpoints change nothing)', auth: true, query: PushSubscriptionQuery, status: 204, errors: [] },
} as const satisfies Record<string, RouteDef>;
