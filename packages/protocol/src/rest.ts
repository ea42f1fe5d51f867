/**
 * Every REST request and response body. Routes are listed in ROUTES (rest-routes.ts);
 * docs/protocol.md and the served OpenAPI document are generated from / checked against them.
 */
import { z } from 'zod';
import { LIMITS } from './limits';
import { ATTACHMENT_LIMITS, AttachmentIdSchema } from './attachments';
import {
  ClientMessageIdSchema,
  ConversationEventSchema,
  ConversationIdSchema,
  ConversationSchema,
  HistoryVisibilitySchema,
  MeSchema,
  MessageIdSchema,
  MessageSchema,
  messageFields,
  PresenceSchema,
  PrivacySchema,
  PublicUserSchema,
  ReceiptSchema,
  RoleSchema,
  Seq,
  UserEventSchema,
  UserIdSchema,
} from './models';
import { displayName, requiredTitleText } from './text-rules';
import { MessageBodySchema, withContent, withStoredContent } from './message-kinds';

// Text rules (names, titles, message text): text-rules.ts.
export const UsernameSchema = z
  .string()
  .min(LIMITS.usernameMin)
  .max(LIMITS.usernameMax)
  .regex(/^[a-z0-9_.]+$/, 'lowercase letters, digits, "_" and "." only');
export const PasswordSchema = z.string().min(LIMITS.passwordMin).max(LIMITS.passwordMax);
export const DisplayNameSchema = displayName(LIMITS.displayNameMax);
/** Only null (remove the avatar) is accepted: avatars are uploaded (avatars.ts), never external URLs. */
export const AvatarUrlSchema = z.custom<never>(() => false, { message: 'upload the image with PUT /api/me/avatar; only null (remove) is accepted here' });
export const GroupTitleSchema = displayName(LIMITS.groupTitleMax);

// ---- auth
export const RegisterBody = z.strictObject({
  username: UsernameSchema,
  password: PasswordSchema,
  displayName: DisplayNameSchema.optional(),
});
export const LoginBody = z.strictObject({ username: z.string().min(1).max(LIMITS.usernameMax), password: z.string().min(1).max(LIMITS.passwordMax) });
export const RefreshBody = z.strictObject({ refreshToken: z.string().min(1).max(512) });
export const LogoutBody = RefreshBody;
export const SessionResponse = z.strictObject({
  user: MeSchema,
  accessToken: z.string(),
  /** Seconds until the access token expires. */
  expiresIn: z.number().int(),
  refreshToken: z.string(),
});
export type SessionResponse = z.infer<typeof SessionResponse>;

// ---- profile and users
export const UpdateProfileBody = z
  .strictObject({ displayName: DisplayNameSchema.optional(), avatarUrl: AvatarUrlSchema.nullable().optional() })
  .refine((b) => b.displayName !== undefined || b.avatarUrl !== undefined, 'nothing to change');
export const UpdatePrivacyBody = PrivacySchema.partial().refine((b) => Object.keys(b).length > 0, 'nothing to change');
/**
 * People search: `prefix` matches a username's start, or the starts of display-name words
 * ("ann ex" finds "Ann Example"), ignoring case and accents. Ordered by username; a page
 * ends with `nextCursor` when more matches follow (pass it back as `cursor`).
 */
export const UserSearchQuery = z.strictObject({
  prefix: z.string().min(1).max(LIMITS.searchPrefixMax),
  limit: z.coerce.number().int().min(1).max(50).default(20),
  cursor: z.string().min(1).max(LIMITS.usernameMax).optional(),
});
export const UserListResponse = z.strictObject({ users: z.array(PublicUserSchema), nextCursor: z.string().nullable().optional() });
export const UserResponse = z.strictObject({ user: PublicUserSchema, presence: PresenceSchema });

// ---- conversations
export const CreateDirectBody = z.strictObject({ userId: UserIdSchema });
export const CreateGroupBody = z.strictObject({
  title: GroupTitleSchema,
  memberIds: z.array(UserIdSchema).max(LIMITS.addMembersPerRequest).default([]),
  /** Who reads what was said before they joined; DEFAULT_HISTORY_VISIBILITY ('joined') when absent. */
  historyVisibility: HistoryVisibilitySchema.optional(),
});
export const ConversationSettingsBody = z.strictObject({ historyVisibility: HistoryVisibilitySchema });
export const RenameBody = z.strictObject({ title: GroupTitleSchema });
export const AddMembersBody = z.strictObject({ userIds: z.array(UserIdSchema).min(1).max(LIMITS.addMembersPerRequest) });
export const SetRoleBody = z.strictObject({ role: z.enum(['admin', 'member']) });
export const ConversationListQuery = z.strictObject({
  archived: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  limit: z.coerce.number().int().min(1).max(LIMITS.pageMax).default(LIMITS.pageDefault),
  /** Keyset cursor from the previous page's nextCursor. */
  cursor: z.string().max(200).optional(),
});
export const ConversationListResponse = z.strictObject({
  conversations: z.array(ConversationSchema),
  nextCursor: z.string().nullable(),
});
export const ConversationResponse = z.strictObject({ conversation: ConversationSchema });

// ---- messages
/** What a send carries besides its kind and content. */
export const sendFields = {
  clientMessageId: ClientMessageIdSchema,
  /** A message of the same conversation I may read; RELATION_INVALID otherwise. */
  replyTo: MessageIdSchema.optional(),
  /** The first message of a thread (not itself in a thread) of the same conversation; RELATION_INVALID otherwise. */
  threadRootId: MessageIdSchema.optional(),
  /** Reserved for reactions and edit messages: no current kind takes one (RELATION_INVALID). */
  targetId: MessageIdSchema.optional(),
  /** My uploads to attach (each once); the send fails with ATTACHMENT_INVALID otherwise. */
  attachmentIds: z.array(AttachmentIdSchema).max(ATTACHMENT_LIMITS.perMessage).optional(),
};
/** A send: kind and content (message-kinds.ts), one variant per kind; `system` is refused with FORBIDDEN. */
export const SendBody = withContent(sendFields);
/** Compose (seed 002) sends a text message with a required title. */
export const ComposeBody = z.strictObject({
  /** Recipient's username. */
  recipient: z.string().min(1).max(LIMITS.usernameMax),
  clientMessageId: ClientMessageIdSchema,
  title: requiredTitleText(LIMITS.titleMax),
  body: MessageBodySchema,
});
/** New content of the message's own kind (CONFLICT when the kind differs). */
export const EditBody = withContent({});
export const DeleteQuery = z.strictObject({ for: z.enum(['me', 'everyone']) });
export const HistoryQuery = z
  .strictObject({
    /** Messages with seq < before (older page). */
    before: z.coerce.number().int().min(1).optional(),
    /** Messages with seq > after (newer page). */
    after: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(LIMITS.pageMax).default(LIMITS.pageDefault),
  })
  .refine((q) => q.before === undefined || q.after === undefined, 'use before or after, not both');
export const HistoryResponse = z.strictObject({ messages: z.array(MessageSchema), hasMore: z.boolean() });
export const MessageResponse = z.strictObject({ message: MessageSchema });
export const ComposeResponse = z.strictObject({ message: MessageSchema, conversation: ConversationSchema });
export const MailboxQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(LIMITS.pageMax).default(LIMITS.pageDefault),
  cursor: z.string().max(200).optional(),
});
export const MailboxResponse = z.strictObject({
  messages: z.array(withStoredContent({ ...messageFields, sender: PublicUserSchema, conversationTitle: z.string().nullable() })),
  nextCursor: z.string().nullable(),
});
export const MarkBody = z.strictObject({ seq: Seq });
export const EventsQuery = z.strictObject({
  after: z.coerce.number().int().min(0),
  limit: z.coerce.number().int().min(1).max(LIMITS.syncEventsMax).default(LIMITS.syncEventsMax),
});
export const EventsResponse = z.strictObject({ events: z.array(ConversationEventSchema), hasMore: z.boolean() });

// ---- catch-up (also a WebSocket request)
export const SyncRequest = z.strictObject({
  /** What the client holds: per conversation, the highest seq and receiptsVersion it has applied. */
  conversations: z
    .array(z.strictObject({ id: ConversationIdSchema, seq: Seq, receiptsVersion: Seq.default(0) }))
    .max(LIMITS.syncConversationsMax)
    .default([]),
  /** The highest per-user event seq the client has applied. */
  userSeq: Seq.default(0),
  /**
   * What to return for my conversations the request does not name: 'events' (all their
   * events, for conversations created while I was away) or 'heads' (no events, just
   * lastSeq and receiptsVersion: a fresh client's baseline).
   */
  unknown: z.enum(['events', 'heads']).default('events'),
});
export type SyncRequest = z.input<typeof SyncRequest>;
export const SyncConversation = z.strictObject({
  id: ConversationIdSchema,
  /** Events after the client's seq, in order, at most LIMITS.syncEventsMax. */
  events: z.array(ConversationEventSchema),
  /** Present when receipts changed since the client's receiptsVersion: every member's watermarks. */
  receipts: z.array(ReceiptSchema).optional(),
  receiptsVersion: Seq,
  lastSeq: Seq,
  /** More events remain: sync again from the last event's seq. */
  hasMore: z.boolean(),
  /** The client named it but is no longer a member (or it never existed): drop it. */
  removed: z.boolean(),
  /**
   * The first seq of this conversation I may read (my join, in a group set to 'joined'):
   * events start after max(the seq I named, visibleFromSeq - 1), so a client holding
   * less moves up to visibleFromSeq - 1 without taking it for a gap.
   */
  visibleFromSeq: Seq.optional(),
});
export const SyncResponse = z.strictObject({
  conversations: z.array(SyncConversation),
  userEvents: z.array(UserEventSchema),
  userSeq: Seq,
  hasMore: z.boolean(),
});
export type SyncResponse = z.infer<typeof SyncResponse>;

export const IdParams = z.strictObject({ id: ConversationIdSchema });
export const MessageParams = z.strictObject({ id: ConversationIdSchema, messageId: MessageIdSchema });
export const MemberParams = z.strictObject({ id: ConversationIdSchema, userId: UserIdSchema });
export const UserParams = z.strictObject({ userId: UserIdSchema });
export { RoleSchema };
