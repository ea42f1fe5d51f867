/**
 * Notifications: the in-app list with read marks, per-conversation mute, browser push
 * subscriptions, and what each connection is focused on. Who gets notified for what is
 * decided in notifications/decider.ts, after the commit and off the send path.
 */
import {
  NOTIFICATION_COUNT_CAP,
  type ConversationId,
  type Notification,
  type PushSubscriptionBody,
  type UserId,
} from '@parley/protocol';
import type { ConversationEvent } from '@parley/protocol';
import type { Deps } from './deps';
import { AppError, notFound } from './errors';
import { decodeCursor, encodeCursor } from './views';
import { NotificationDecider, toNotification } from './notifications/decider';
import { PushDelivery } from './notifications/push-delivery';

/** Subscriptions kept per user (browsers and devices); the oldest goes first. */
const SUBSCRIPTIONS_PER_USER = 20;

export class NotificationsService {
  private readonly decider: NotificationDecider;

  constructor(private readonly deps: Deps) {
    this.decider = new NotificationDecider(deps, new PushDelivery(deps, deps.push), deps.config.notifications?.groupMax ?? 50);
  }

  // ---- hooks (Fanout after each commit; the gateway for focus)

  committed(events: readonly ConversationEvent[]): void {
    this.decider.committed(events);
  }

  /**
   * The conversation one of the user's connections shows (null: none, or the page is
   * hidden), kept in the presence registry so the deciding node of any message sees it.
   * Focusing a conversation marks its notifications read: the user is looking at it.
   * The registry keeps a focus only while its connection is live (presence/port.ts).
   */
  async setFocus(userId: UserId, connectionId: string, conversationId: ConversationId | null): Promise<void> {
    if (conversationId !== null && !(await this.deps.store.getMember(conversationId, userId))) throw notFound('conversation not found');
    try {
      await this.deps.presence.setFocus(userId, connectionId, conversationId);
    } catch (err) {
      // Only notifications depend on it: they err towards one too many meanwhile.
      this.deps.log.warn({ err }, 'presence unavailable for focus');
    }
    if (conversationId !== null) await this.markAllRead(userId, conversationId);
  }

  /**
   * The connection closed: its focus stops counting at once, not only once the gateway
   * has released its routing and presence (which also forgets it).
   */
  connectionClosed(userId: UserId, connectionId: string): void {
    void this.deps.presence.setFocus(userId, connectionId, null).catch(() => {});
  }

  /** Every decision and push queued so far has been handled (tests, draining). */
  idle(): Promise<void> {
    return this.decider.idle();
  }

  // ---- the list

  async list(userId: UserId, q: { limit: number; cursor?: string | undefined; unread?: boolean | undefined }): Promise<{ notifications: Notification[]; nextCursor: string | null; unreadCount: number }> {
    const cursor = decodeCursor(q.cursor);
    if (cursor === null) throw new AppError('BAD_REQUEST', 'invalid cursor');
    const { notifications } = this.deps.store;
    const rows = await notifications.listNotifications({ userId, limit: q.limit + 1, unreadOnly: q.unread ?? false, ...(cursor ? { cursor } : {}) });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      notifications: page.map(toNotification),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.createdAt, last.id) : null,
      unreadCount: await this.unreadCount(userId),
    };
  }

  async markRead(userId: UserId, id: string): Promise<{ unreadCount: number }> {
    if (!(await this.deps.store.notifications.markRead({ userId, id, at: this.deps.clock() }))) throw notFound('notification not found');
    const unreadCount = await this.unreadCount(userId);
    this.decider.publish(userId, { type: 'notification', readIds: [id], unreadCount });
    return { unreadCount };
  }

  async markAllRead(userId: UserId, conversationId?: ConversationId): Promise<{ unreadCount: number }> {
    const changed = await this.deps.store.notifications.markAllRead({ userId, at: this.deps.clock(), ...(conversationId ? { conversationId } : {}) });
    const unreadCount = await this.unreadCount(userId);
    if (changed > 0) this.decider.publish(userId, { type: 'notification', allRead: { conversationId: conversationId ?? null }, unreadCount });
    return { unreadCount };
  }

  // ---- mute

  async getMute(userId: UserId, conversationId: ConversationId): Promise<{ muted: boolean }> {
    const muted = await this.deps.store.notifications.isMuted(conversationId, userId);
    if (muted === null) throw notFound('conversation not found');
    return { muted };
  }

  async setMute(userId: UserId, conversationId: ConversationId, muted: boolean): Promise<{ muted: boolean }> {
    await this.deps.store.notifications.setMuted({ conversationId, userId, muted });
    return { muted };
  }

  // ---- browser push

  vapidPublicKey(): { publicKey: string } {
    return { publicKey: this.deps.keys.vapid().publicKey };
  }

  async subscribe(userId: UserId, sub: PushSubscriptionBody): Promise<void> {
    if (!this.deps.push.endpointAllowed(sub.endpoint)) throw new AppError('BAD_REQUEST', 'push endpoint must be an https URL of a push service');
    const { notifications } = this.deps.store;
    await notifications.savePushSubscription({ endpoint: sub.endpoint, userId, p256dh: sub.keys.p256dh, auth: sub.keys.auth, createdAt: this.deps.clock() });
    const mine = await notifications.pushSubscriptionsOf([userId]);
    const excess = mine.length - SUBSCRIPTIONS_PER_USER;
    for (const old of mine.sort((a, b) => a.createdAt - b.createdAt).slice(0, Math.max(0, excess))) {
      await notifications.deletePushSubscription({ userId, endpoint: old.endpoint });
    }
  }

  async unsubscribe(userId: UserId, endpoint: string): Promise<void> {
    await this.deps.store.notifications.deletePushSubscription({ userId, endpoint });
  }

  private async unreadCount(userId: UserId): Promise<number> {
    return (await this.deps.store.notifications.unreadCounts([userId], NOTIFICATION_COUNT_CAP)).get(userId) ?? 0;
  }
}
