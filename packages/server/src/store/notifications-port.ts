/**
 * The notifications sub-port: in-app notifications, per-member mute, and browser push
 * subscriptions.
 *
 * Guarantees every adapter gives:
 * - createNotifications stores every item in ONE transaction, merging an item into the
 *   stored notification of the same id (the domain gives notifications that coalesce
 *   one id, notifications/decider.ts): when the item is about a later message (higher
 *   seq), the stored one takes its message, actor and time, becomes unread, and its
 *   count becomes the item's plus its own if it was unread (a read one starts over);
 *   otherwise (a repeat, an older message, no message) nothing changes, so two nodes
 *   deciding the same notification store it once. It returns the ids it inserted or
 *   changed. An item for a conversation or user that does not exist is skipped.
 * - Every read and write touches a bounded part of the user's notifications, whatever
 *   their number (markAllRead: the unread ones it changes): by id, one page of the list (also of the unread ones), the unread
 *   count up to its cap (sqlite- and postgres-notification-plans.test.ts check
 *   the adapters' query plans at 10,000 notifications).
 * - Notifications are listed newest first by (createdAt, id), keyset-paged. The message's
 *   content and the conversation title are read at list time (so an edit or a delete
 *   for everyone shows) and are null once the user is no longer a member; the content
 *   is null too for a message before where the member's reading starts (visibleFromSeq:
 *   a member added again to a 'joined' group). The store never copies message content
 *   into a notification; the domain makes the preview (message-kinds.ts).
 * - markRead / markAllRead only touch the caller's own notifications; marking a read
 *   notification again changes nothing.
 * - Mute is a flag on the membership: it ends with the membership (leaving, removal).
 * - A push subscription is keyed by its endpoint: storing it again (by anyone) replaces
 *   the row, so an endpoint belongs to the user who registered it last.
 * - Errors are StoreError; NOT_FOUND / NOT_MEMBER where a method names a conversation.
 */
import type { ConversationId, MessageId, MessageKind, NotificationKind, UserId } from '@parley/protocol';
import type { PublicUserRecord, TimeCursor } from './port';

export interface NewNotification {
  id: string;
  userId: UserId;
  kind: NotificationKind;
  conversationId: ConversationId;
  /** For message and mention: where the message is (its createdAt locates its partition). */
  message: { id: MessageId; seq: number; createdAt: number } | null;
  actorId: UserId | null;
  at: number;
  /** Messages it stands for (a batch may merge several); 1 when absent. */
  count?: number;
}

export interface NotificationRecord {
  id: string;
  userId: UserId;
  kind: NotificationKind;
  conversationId: ConversationId;
  conversationKind: 'direct' | 'group';
  conversationTitle: string | null;
  actor: PublicUserRecord | null;
  messageId: MessageId | null;
  seq: number | null;
  /**
   * The message's current kind and content, for the domain to preview (message-kinds.ts);
   * null when deleted, hidden, not readable by the member or not a member any more.
   */
  message: { kind: MessageKind; content: unknown } | null;
  /** Messages it stands for since it was last read (1 for a mention or an add). */
  count: number;
  createdAt: number;
  readAt: number | null;
}

/** Who is in a conversation, for deciding notifications. */
export interface AudienceRecord {
  kind: 'direct' | 'group';
  title: string | null;
  memberCount: number;
  /**
   * Every member with mute flag, username and where their reading starts (a member who
   * joined after a message is not notified of it), or null when memberCount > maxMembers.
   */
  members: { userId: UserId; username: string; displayName: string; muted: boolean; visibleFromSeq: number }[] | null;
}

export interface PushSubscriptionRecord {
  endpoint: string;
  userId: UserId;
  p256dh: string;
  auth: string;
  createdAt: number;
}

export interface NotificationsStore {
  createNotifications(items: readonly NewNotification[]): Promise<string[]>;
  /** The caller's notifications by id (others' are left out), with previews. */
  getNotifications(userId: UserId, ids: readonly string[]): Promise<NotificationRecord[]>;
  listNotifications(input: { userId: UserId; limit: number; cursor?: TimeCursor; unreadOnly: boolean }): Promise<NotificationRecord[]>;
  /** Unread counts per user, each capped at `cap` (counting stops there). Users with none are absent. */
  unreadCounts(userIds: readonly UserId[], cap: number): Promise<Map<UserId, number>>;
  /** Returns whether the notification exists and is the user's; marking it again keeps the first readAt. */
  markRead(input: { userId: UserId; id: string; at: number }): Promise<boolean>;
  /** Marks all the user's unread notifications read (or those of one conversation); returns how many changed. */
  markAllRead(input: { userId: UserId; conversationId?: ConversationId; at: number }): Promise<number>;

  /** NOT_FOUND for an unknown conversation, NOT_MEMBER when the user is not in it. */
  setMuted(input: { conversationId: ConversationId; userId: UserId; muted: boolean }): Promise<void>;
  /** null when the user is not a member (or the conversation does not exist). */
  isMuted(conversationId: ConversationId, userId: UserId): Promise<boolean | null>;
  /** The audience of each known conversation among these (unknown ones are absent): one read per decider batch. */
  audiences(conversationIds: readonly ConversationId[], maxMembers: number): Promise<Map<ConversationId, AudienceRecord>>;
  /** Members of the conversation among these usernames (mentions in big groups), with mute flags. */
  membersByUsername(conversationId: ConversationId, usernames: readonly string[]): Promise<{ userId: UserId; username: string; muted: boolean; visibleFromSeq: number }[]>;

  savePushSubscription(sub: PushSubscriptionRecord): Promise<void>;
  /** Returns whether a subscription of this user was removed. */
  deletePushSubscription(input: { userId: UserId; endpoint: string }): Promise<boolean>;
  /** Removes the endpoint whoever owns it (the push service said it is gone). */
  deletePushEndpoint(endpoint: string): Promise<void>;
  pushSubscriptionsOf(userIds: readonly UserId[]): Promise<PushSubscriptionRecord[]>;
}
