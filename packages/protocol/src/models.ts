/**
 * The objects Parley shows: users, conversations, messages, events and receipts.
 * Each is a runtime schema (zod) and the TypeScript type derived from it, so the
 * server, the SDK and the web app share one definition. Times are epoch milliseconds.
 */
import { z } from 'zod';
import type { ClientMessageId, ConversationId, MessageId, UserId } from './ids';
import { LIMITS } from './limits';
import { ATTACHMENT_LIMITS, MessageAttachmentSchema } from './attachments';
import { withStoredContent } from './message-kinds';

const idString = z.string().min(1).max(LIMITS.idMax).regex(/^[A-Za-z0-9_-]+$/, 'invalid id');
export const UserIdSchema = idString as unknown as z.ZodType<UserId, string>;
export const ConversationIdSchema = idString as unknown as z.ZodType<ConversationId, string>;
export const MessageIdSchema = idString as unknown as z.ZodType<MessageId, string>;
export const ClientMessageIdSchema = z
  .string()
  .min(1)
  .max(LIMITS.clientMessageIdMax)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'invalid client message id') as unknown as z.ZodType<ClientMessageId, string>;

export const Seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const Millis = z.number().int().min(0);

export const RoleSchema = z.enum(['owner', 'admin', 'member']);
export type Role = z.infer<typeof RoleSchema>;

export const LastSeenVisibility = z.enum(['everyone', 'nobody']);
export const PrivacySchema = z.strictObject({
  /** Who may see my online status and last seen time. */
  lastSeen: LastSeenVisibility,
  /** Whether others see when I read their messages. */
  readReceipts: z.boolean(),
});
export type Privacy = z.infer<typeof PrivacySchema>;

export const PublicUserSchema = z.strictObject({
  id: UserIdSchema,
  username: z.string(),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
});
export type PublicUser = z.infer<typeof PublicUserSchema>;

export const MeSchema = PublicUserSchema.extend({
  privacy: PrivacySchema,
  role: z.enum(['user', 'admin']),
  createdAt: Millis,
});
export type Me = z.infer<typeof MeSchema>;

export const PresenceSchema = z.strictObject({
  userId: UserIdSchema,
  /** 'hidden' when the user's privacy settings do not let you see it. */
  status: z.enum(['online', 'offline', 'hidden']),
  lastSeenAt: Millis.nullable(),
});
export type Presence = z.infer<typeof PresenceSchema>;

/** Every field of a message but its kind and content (message-kinds.ts adds those, one variant per kind). */
export const messageFields = {
  id: MessageIdSchema,
  conversationId: ConversationIdSchema,
  seq: Seq,
  senderId: UserIdSchema,
  clientMessageId: ClientMessageIdSchema,
  /** The message this one answers: in the same conversation, readable by the sender when it was sent. */
  replyTo: MessageIdSchema.nullable(),
  /** The first message of the thread this one belongs to (null: the main timeline). */
  threadRootId: MessageIdSchema.nullable(),
  /** The message a reaction or edit message applies to; no current kind takes one. */
  targetId: MessageIdSchema.nullable(),
  createdAt: Millis,
  editedAt: Millis.nullable(),
  deletedAt: Millis.nullable(),
  /** Files and images sent with the message (absent when none; removed when deleted for everyone). */
  attachments: z.array(MessageAttachmentSchema).max(ATTACHMENT_LIMITS.perMessage).optional(),
};

/**
 * A message: its kind and typed content (message-kinds.ts), its relations and its
 * times. Once deleted for everyone it keeps its kind and its content is null.
 */
export const MessageSchema = withStoredContent(messageFields);
export type Message = z.infer<typeof MessageSchema>;

/**
 * Who of a group's members reads what was said before they joined: 'all' (every member
 * reads the whole history) or 'joined' (a member reads from their own join on, as an
 * end-to-end encrypted group allows). It decides what a join gets when it happens, so
 * a change applies to members who join after it. Direct conversations are always 'all'.
 */
export const HistoryVisibilitySchema = z.enum(['all', 'joined']);
export type HistoryVisibility = z.infer<typeof HistoryVisibilitySchema>;
/** A new group's setting when its creator names none. */
export const DEFAULT_HISTORY_VISIBILITY: HistoryVisibility = 'joined';

const eventBase = {
  conversationId: ConversationIdSchema,
  seq: Seq,
  actorId: UserIdSchema,
  at: Millis,
};

/** Every change to a conversation is one of these, numbered by a gapless per-conversation seq. */
export const ConversationEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...eventBase, type: z.literal('conversation.created'), kind: z.enum(['direct', 'group']), title: z.string().nullable() }),
  z.strictObject({ ...eventBase, type: z.literal('conversation.renamed'), title: z.string() }),
  z.strictObject({ ...eventBase, type: z.literal('message.created'), message: MessageSchema }),
  /** The new content, of the message's own kind (an edit never changes the kind); null once the message is deleted for everyone. */
  withStoredContent({ ...eventBase, type: z.literal('message.edited'), messageId: MessageIdSchema, editedAt: Millis }),
  z.strictObject({ ...eventBase, type: z.literal('message.deleted'), messageId: MessageIdSchema }),
  z.strictObject({ ...eventBase, type: z.literal('member.added'), userId: UserIdSchema, role: RoleSchema, user: PublicUserSchema }),
  z.strictObject({ ...eventBase, type: z.literal('member.removed'), userId: UserIdSchema }),
  z.strictObject({ ...eventBase, type: z.literal('member.left'), userId: UserIdSchema }),
  z.strictObject({ ...eventBase, type: z.literal('member.role'), userId: UserIdSchema, role: RoleSchema }),
  z.strictObject({ ...eventBase, type: z.literal('conversation.settings'), historyVisibility: HistoryVisibilitySchema }),
]);
export type ConversationEvent = z.infer<typeof ConversationEventSchema>;
export type ConversationEventType = ConversationEvent['type'];

/**
 * Delivered and read are watermarks: one high-water mark per member per conversation.
 * readSeq is null when that member does not share read receipts.
 */
export const ReceiptSchema = z.strictObject({
  conversationId: ConversationIdSchema,
  userId: UserIdSchema,
  deliveredSeq: Seq,
  readSeq: Seq.nullable(),
  /** Bumped on every watermark change in the conversation; catch-up compares it. */
  receiptsVersion: Seq,
});
export type Receipt = z.infer<typeof ReceiptSchema>;

/** Changes that concern only me, on all my devices, numbered by a per-user gapless seq. */
export const UserEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ userSeq: Seq, at: Millis, type: z.literal('message.hidden'), conversationId: ConversationIdSchema, messageId: MessageIdSchema }),
  z.strictObject({ userSeq: Seq, at: Millis, type: z.literal('conversation.archived'), conversationId: ConversationIdSchema }),
  z.strictObject({ userSeq: Seq, at: Millis, type: z.literal('conversation.unarchived'), conversationId: ConversationIdSchema }),
]);
export type UserEvent = z.infer<typeof UserEventSchema>;

export const MemberSchema = z.strictObject({
  user: PublicUserSchema,
  role: RoleSchema,
  deliveredSeq: Seq,
  readSeq: Seq.nullable(),
  joinedAt: Millis,
});
export type Member = z.infer<typeof MemberSchema>;

export const ConversationSchema = z.strictObject({
  id: ConversationIdSchema,
  kind: z.enum(['direct', 'group']),
  /** Group title; null for direct conversations (show the other member's name). */
  title: z.string().nullable(),
  /** Who reads what was said before they joined (see HistoryVisibilitySchema); 'all' for direct conversations. */
  historyVisibility: HistoryVisibilitySchema,
  members: z.array(MemberSchema),
  lastSeq: Seq,
  receiptsVersion: Seq,
  lastMessage: MessageSchema.nullable(),
  unreadCount: z.number().int().min(0),
  /** My own state in this conversation. */
  me: z.strictObject({
    role: RoleSchema,
    readSeq: Seq,
    deliveredSeq: Seq,
    archived: z.boolean(),
    /** The first seq of the log I may read: 1, or my join in a group set to 'joined'. History, events and sync start here. */
    visibleFromSeq: Seq,
  }),
  createdAt: Millis,
  /** Time of the last event; conversation lists are ordered by it. */
  updatedAt: Millis,
});
export type Conversation = z.infer<typeof ConversationSchema>;
