/**
 * Notifications: in-app notifications (a bell with an unread count, a list, read marks)
 * and browser push (Web Push with VAPID), plus muting a conversation.
 *
 * When one is made (the server decides; clients only report what they look at):
 * - `message`: new messages in a conversation none of my connections is focused on
 *   (see the `focus` WebSocket op), or while I have no connection at all. Not for a
 *   muted conversation, not from someone in a block with me, and in groups above the
 *   server's size threshold only mentions notify. One per conversation: a new message
 *   updates it (latest message, sender and time, `count` of new messages) and makes it
 *   unread again; its id stays.
 * - `mention`: a message names me as @username, in any conversation, focused or not,
 *   muted or not. One per message (each one addresses me).
 * - `added`: someone added me to a group.
 * Unread counts count notifications, not messages: a conversation with three new
 * messages counts one.
 * A browser push goes to my subscriptions for a new message while no device of mine is
 * online (same rules as `message`, and never for a muted conversation).
 */
import { z } from 'zod';
import { LIMITS } from './limits';
import { ConversationIdSchema, MessageIdSchema, Millis, PublicUserSchema, Seq } from './models';

const idString = z.string().min(1).max(LIMITS.idMax).regex(/^[A-Za-z0-9_-]+$/, 'invalid id');

export const NOTIFICATION_LIMITS = {
  /** Characters of the message shown in a notification or a push. */
  previewMax: 140,
  endpointMax: 2048,
} as const;

export const NotificationIdSchema = idString;
export const NotificationKindSchema = z.enum(['message', 'mention', 'added']);
export type NotificationKind = z.infer<typeof NotificationKindSchema>;

export const NotificationSchema = z.strictObject({
  id: NotificationIdSchema,
  kind: NotificationKindSchema,
  conversationId: ConversationIdSchema,
  conversationKind: z.enum(['direct', 'group']),
  /** The group's title; null for a direct conversation (show the actor's name). */
  conversationTitle: z.string().nullable(),
  /** Who sent the message or added me. */
  actor: PublicUserSchema.nullable(),
  messageId: MessageIdSchema.nullable(),
  seq: Seq.nullable(),
  /** The start of the message as it is now ('' once deleted, or when I left the conversation). */
  preview: z.string(),
  /** `message`: the new messages it stands for since it was last read (messageId is the latest); 1 for the other kinds. */
  count: z.number().int().min(1),
  /** When it was made or last updated (the latest message's time). */
  createdAt: Millis,
  readAt: Millis.nullable(),
});
export type Notification = z.infer<typeof NotificationSchema>;

const booleanQuery = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const NotificationListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(LIMITS.pageMax).default(LIMITS.pageDefault),
  /** Opaque: the nextCursor of the previous page. */
  cursor: z.string().max(200).optional(),
  /** Only unread ones. */
  unread: booleanQuery.optional(),
});
/** Newest first (a `message` notification moves up when updated). unreadCount counts all my unread notifications, not messages (capped at NOTIFICATION_COUNT_CAP). */
export const NotificationListResponse = z.strictObject({
  notifications: z.array(NotificationSchema),
  nextCursor: z.string().nullable(),
  unreadCount: z.number().int().min(0),
});
/** Unread counts stop at this number (a bell shows "99+"). */
export const NOTIFICATION_COUNT_CAP = 100;
export const NotificationParams = z.strictObject({ notificationId: NotificationIdSchema });
/** Mark every notification read, or only those of one conversation (e.g. when it is opened). */
export const MarkAllNotificationsReadBody = z.strictObject({ conversationId: ConversationIdSchema.optional() });
export const UnreadCountResponse = z.strictObject({ unreadCount: z.number().int().min(0) });

export const MuteBody = z.strictObject({ muted: z.boolean() });
export const MuteResponse = z.strictObject({ muted: z.boolean() });

export const VapidKeyResponse = z.strictObject({
  /** The application server key for PushManager.subscribe, base64url. */
  publicKey: z.string(),
});

const base64url = (min: number, max: number) =>
  z.string().min(min).max(max).regex(/^[A-Za-z0-9_-]+={0,2}$/, 'must be base64url');

/** A browser PushSubscription as its toJSON() gives it. */
export const PushSubscriptionBody = z.strictObject({
  endpoint: z.string().max(NOTIFICATION_LIMITS.endpointMax).refine((s) => URL.canParse(s), 'must be a URL'),
  expirationTime: Millis.nullable().optional(),
  keys: z.strictObject({
    /** The browser's P-256 public key (65 bytes uncompressed). */
    p256dh: base64url(80, 100),
    /** The 16-byte auth secret. */
    auth: base64url(16, 32),
  }),
});
export type PushSubscriptionBody = z.infer<typeof PushSubscriptionBody>;
export const PushSubscriptionQuery = z.strictObject({ endpoint: z.string().min(1).max(NOTIFICATION_LIMITS.endpointMax) });

/**
 * What a service worker receives in a push event (JSON, encrypted end to end with the
 * subscription's keys): enough to show a notification without fetching anything.
 */
export const PushPayloadSchema = z.strictObject({
  type: z.literal('message'),
  conversationId: ConversationIdSchema,
  messageId: MessageIdSchema,
  /** The group's title, or null for a direct conversation. */
  conversationTitle: z.string().nullable(),
  senderName: z.string(),
  preview: z.string(),
  mention: z.boolean(),
  sentAt: Millis,
});
export type PushPayload = z.infer<typeof PushPayloadSchema>;

/** WebSocket `focus` request: the conversation this connection shows right now, or null (none, or the tab is hidden). */
export const FocusData = z.strictObject({ conversationId: ConversationIdSchema.nullable() });

/**
 * WebSocket push: a new or updated notification (with `notification`; the same id
 * replaces the one held), or a read change made on
 * another device (`readIds`, or `allRead` with an optional conversation). unreadCount is
 * my unread count after the change (capped at NOTIFICATION_COUNT_CAP).
 */
export const NotificationPushSchema = z.strictObject({
  type: z.literal('notification'),
  notification: NotificationSchema.optional(),
  readIds: z.array(NotificationIdSchema).optional(),
  allRead: z.strictObject({ conversationId: ConversationIdSchema.nullable() }).optional(),
  unreadCount: z.number().int().min(0),
});
export type NotificationPush = z.infer<typeof NotificationPushSchema>;
