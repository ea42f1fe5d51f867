/**
 * The storage port. Two adapters implement it (sqlite/ embedded default, postgres/)
 * and both pass the one contract suite in contract.ts.
 *
 * Guarantees every adapter gives:
 * - Each conversation is an append-only event log. Every change (message, edit,
 *   delete for everyone, membership, title) is appended with seq = lastSeq + 1 in the
 *   same transaction that stores the change. Seqs are gapless and strictly increasing.
 * - A method resolves only after its transaction committed; a rejected call changed
 *   nothing.
 * - appendMessages is idempotent per (senderId, clientMessageId): a repeat returns the
 *   stored message with duplicate = true and appends nothing.
 * - A message's content is opaque to adapters: stored and returned as given, with its
 *   kind; what may be searched comes in as searchText (message-kinds.ts decides it).
 * - Errors are StoreError with a port code, or the RuleError of a rule the adapter
 *   applied (domain/rules); no driver error or SQL escapes an adapter.
 * - A member reads messages from their membership's visibleFromSeq on: history, views
 *   (last message, unread count), mailboxes, search and notification previews leave
 *   out what came before, and a message before it is NOT_FOUND to edit, delete or hide
 *   (domain/rules/history-visibility.ts). eventsAfter is the raw log: callers reading
 *   for a member start it at readAfter(member, after).
 * - Membership is checked inside the transaction that writes, so a removed member can
 *   never append after its removal; so is a block between a direct conversation's two
 *   members (BLOCKED), so no message is stored after the block that refuses it. A retry
 *   of a message stored before the block still returns the original.
 */
import type {
  ClientMessageId,
  ConversationEvent,
  ConversationId,
  HistoryVisibility,
  Message,
  MessageId,
  MessageKind,
  Privacy,
  Receipt,
  Role,
  UserEvent,
  UserId,
} from '@parley/protocol';
import type { AttachmentId } from '@parley/protocol';
import type { AttachmentsStore } from './attachments-port';
import type { SearchStore } from './search-port';
import type { PrivacyStore } from './privacy-port';
import type { MaintenanceStore } from './maintenance-port';
import type { ModerationStore } from './moderation-port';
import type { NotificationsStore } from './notifications-port';

/**
 * What the storage itself can say: a record is missing (NOT_FOUND), the user is not a
 * member (NOT_MEMBER), a unique key is taken (CONFLICT), or storage is down
 * (UNAVAILABLE). Whether a change is *allowed* is a rule's answer, not the store's: the
 * adapters call domain/rules inside their transactions, and a refusal leaves them as
 * the RuleError the rule threw (its own code and text, the same on every backend).
 */
export type StoreErrorCode = 'NOT_FOUND' | 'NOT_MEMBER' | 'CONFLICT' | 'UNAVAILABLE';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

export interface UserRecord {
  id: UserId;
  username: string;
  displayName: string;
  avatarUrl: string | null;
  passwordHash: string;
  privacy: Privacy;
  role: 'user' | 'admin';
  /** Bumped by "log out everywhere": access tokens carrying an older value are refused. */
  sessionVersion: number;
  suspendedAt: number | null;
  lastSeenAt: number | null;
  createdAt: number;
}

/**
 * What an open socket's right to stay rests on, read for many users at once when a node
 * re-checks its sockets (realtime/session-recheck.ts).
 */
export interface UserAccessState {
  id: UserId;
  sessionVersion: number;
  suspended: boolean;
  /**
   * Changes, in the transaction of the change, whenever the user joins or leaves any
   * conversation (added, removed, left, created with, erased). 0 for a user who never
   * did. Only equality means anything: a node compares it with the value it read when it
   * last loaded the user's conversations.
   */
  membershipVersion: number;
}

export interface NewUser {
  id: UserId;
  username: string;
  displayName: string;
  passwordHash: string;
  createdAt: number;
}

export interface RefreshTokenRecord {
  id: string;
  userId: UserId;
  familyId: string;
  tokenHash: string;
  expiresAt: number;
  /** Set when the token was traded for a new one; using it again is reuse. */
  usedAt: number | null;
  revokedAt: number | null;
  createdAt: number;
}

export interface MemberRecord {
  userId: UserId;
  role: Role;
  deliveredSeq: number;
  readSeq: number;
  archived: boolean;
  joinedAt: number;
  /**
   * The first seq of the log this membership may read (domain/rules/history-visibility.ts),
   * set when it began and never changed: every read of messages for this member starts here.
   */
  visibleFromSeq: number;
}

export interface ConversationRecord {
  id: ConversationId;
  kind: 'direct' | 'group';
  title: string | null;
  /** What a member joining now reads of the past; 'all' for direct conversations. */
  historyVisibility: HistoryVisibility;
  lastSeq: number;
  receiptsVersion: number;
  createdAt: number;
  updatedAt: number;
}

/** A conversation as one member sees it in a list. */
export interface ConversationView extends ConversationRecord {
  members: (MemberRecord & { user: PublicUserRecord; readReceipts: boolean })[];
  me: MemberRecord;
  lastMessage: Message | null;
  unreadCount: number;
}

export interface PublicUserRecord {
  id: UserId;
  username: string;
  displayName: string;
  avatarUrl: string | null;
}

export interface SendInput {
  conversationId: ConversationId;
  senderId: UserId;
  clientMessageId: ClientMessageId;
  /** Server-made, used only when the message is new. */
  messageId: MessageId;
  /**
   * The kind and its content, stored as given: adapters never look inside content, so a
   * kind the server cannot read (encrypted) is stored and delivered like any other.
   */
  kind: MessageKind;
  content: unknown;
  /** What search indexes (with attachment names), from the kind registry; null: never indexed. */
  searchText: string | null;
  /** Relations (domain/rules/message-relations.ts), checked in the writing transaction. */
  replyTo: MessageId | null;
  threadRootId: MessageId | null;
  targetId: MessageId | null;
  at: number;
  /** Uploads of the sender to attach, linked in the same transaction (see AttachmentsStore). */
  attachmentIds?: readonly AttachmentId[];
}

/** One result per SendInput, in the same order. A failed item does not fail the batch. */
export type SendResult =
  | { ok: true; message: Message; duplicate: boolean; event: ConversationEvent | null }
  | { ok: false; code: 'NOT_FOUND' | 'NOT_MEMBER' | 'BLOCKED' | 'ATTACHMENT_INVALID' | 'RELATION_INVALID' };

export interface WatermarkInput {
  conversationId: ConversationId;
  userId: UserId;
  kind: 'delivered' | 'read';
  seq: number;
}

export type WatermarkResult = { ok: true; receipt: Receipt; changed: boolean } | { ok: false; code: 'NOT_FOUND' | 'NOT_MEMBER' };

export type MailboxItem = Message & {
  sender: PublicUserRecord;
  conversationTitle: string | null;
};

/** Keyset cursor for lists ordered newest first: (time, id) of the last item returned. */
export interface TimeCursor {
  at: number;
  id: string;
}

export interface EventPage {
  events: ConversationEvent[];
  hasMore: boolean;
}

export interface Store {
  readonly backend: 'sqlite' | 'postgres';
  /**
   * Write calls are applied one after another in the order they are made (SQLite's one
   * writer), so a caller may hand over the next batch before the last one committed.
   */
  readonly writesInOrder: boolean;
  readonly attachments: AttachmentsStore;
  readonly search: SearchStore;
  readonly privacy: PrivacyStore;
  readonly maintenance: MaintenanceStore;
  readonly moderation: ModerationStore;
  readonly notifications: NotificationsStore;

  // ---- users and sessions
  /** Throws CONFLICT when the username is taken. */
  createUser(user: NewUser): Promise<UserRecord>;
  getUser(id: UserId): Promise<UserRecord | null>;
  getUserByUsername(username: string): Promise<UserRecord | null>;
  getPublicUsers(ids: readonly UserId[]): Promise<PublicUserRecord[]>;
  /**
   * People whose username starts with the query, or whose display name has words starting
   * with each of its words (case and accents ignored; see people-search.ts), ordered by
   * username, after the username `after` when given. Index probes only, never a scan.
   */
  searchUsers(query: string, limit: number, after?: string): Promise<PublicUserRecord[]>;
  updateProfile(id: UserId, patch: { displayName?: string; avatarUrl?: string | null }): Promise<UserRecord>;
  updatePrivacy(id: UserId, patch: Partial<Privacy>): Promise<UserRecord>;
  setLastSeen(id: UserId, at: number): Promise<void>;
  /** setLastSeen for many users in ONE transaction (a node losing thousands of sockets at once). */
  setLastSeenMany(entries: readonly { id: UserId; at: number }[]): Promise<void>;
  /** Increments sessionVersion and revokes every refresh token of the user; returns the new version. */
  revokeAllSessions(id: UserId, at: number): Promise<number>;

  insertRefreshToken(token: RefreshTokenRecord): Promise<void>;
  getRefreshTokenByHash(tokenHash: string): Promise<RefreshTokenRecord | null>;
  /**
   * Atomically marks the token used if it is still unused and unrevoked; returns
   * false when it was already used or revoked (the caller then treats it as reuse).
   */
  markRefreshTokenUsed(id: string, at: number): Promise<boolean>;
  revokeRefreshFamily(familyId: string, at: number): Promise<void>;
  /**
   * The sessions among familyIds that were revoked (logout, refresh-token reuse, log out
   * everywhere), in no particular order; unknown ids are not revoked. One query per
   * call: callers pass a bounded batch (a few hundred ids). A revocation is permanent.
   */
  revokedSessions(familyIds: readonly string[]): Promise<string[]>;
  /** accessState of each known user among ids, in no particular order; one query per call (bounded batches, as above). */
  accessStates(ids: readonly UserId[]): Promise<UserAccessState[]>;

  // ---- conversations
  /** Returns the existing direct conversation of the pair, or creates it (created = true). */
  getOrCreateDirect(input: { id: ConversationId; a: UserId; b: UserId; at: number }): Promise<{ conversation: ConversationRecord; created: boolean; events: ConversationEvent[] }>;
  /**
   * Creates a group with the creator as owner; appends conversation.created and member.added
   * events. historyVisibility: newGroupVisibility (the default) when absent; its founders read everything.
   */
  createGroup(input: { id: ConversationId; ownerId: UserId; title: string; memberIds: readonly UserId[]; maxMembers: number; historyVisibility?: HistoryVisibility; at: number }): Promise<{ conversation: ConversationRecord; events: ConversationEvent[] }>;
  getConversation(id: ConversationId): Promise<ConversationRecord | null>;
  /** null when the user is not a member (callers answer 404). */
  getMember(conversationId: ConversationId, userId: UserId): Promise<MemberRecord | null>;
  listMembers(conversationId: ConversationId): Promise<MemberRecord[]>;
  /** Every conversation id the user is a member of (for subscribing a connection). */
  listConversationIds(userId: UserId): Promise<ConversationId[]>;
  /**
   * The conversations a change of the user's presence is published to: every direct
   * conversation of theirs and every group of at most groupMax members (so not the big
   * groups, where presence to all would be O(members²) frames). One query, whatever the
   * number of conversations; in no particular order.
   */
  presenceConversationIds(userId: UserId, groupMax: number): Promise<ConversationId[]>;
  /** One member's view of a conversation; null when not a member. */
  getConversationView(conversationId: ConversationId, userId: UserId): Promise<ConversationView | null>;
  /** The user's conversations ordered by updatedAt desc (then id), keyset-paged. */
  listConversationViews(userId: UserId, opts: { archived: boolean; limit: number; cursor?: TimeCursor }): Promise<ConversationView[]>;

  /**
   * Appends a group change as an event. In the transaction: NOT_FOUND / NOT_MEMBER when
   * the conversation or the actor's membership is missing, NOT_FOUND for an unknown
   * user; then the rules of domain/rules/group-roles.ts decide on the loaded rows (a
   * RuleError: FORBIDDEN, CONFLICT, LIMIT_EXCEEDED, or NOT_FOUND for a target who is
   * not a member).
   */
  renameGroup(input: { conversationId: ConversationId; actorId: UserId; title: string; at: number }): Promise<ConversationEvent[]>;
  /**
   * Changes who reads what was said before they joined, for later joins (planVisibilityChange:
   * owner or admin of a group); appends conversation.settings. The value it has appends nothing ([]).
   */
  setHistoryVisibility(input: { conversationId: ConversationId; actorId: UserId; historyVisibility: HistoryVisibility; at: number }): Promise<ConversationEvent[]>;
  /**
   * All or nothing: CONFLICT when any of userIds is already a member (a repeated id counts once).
   * Each new membership reads from visibleFromAtJoin(conversation, lastSeq before the adds).
   */
  addMembers(input: { conversationId: ConversationId; actorId: UserId; userIds: readonly UserId[]; maxMembers: number; at: number }): Promise<ConversationEvent[]>;
  /** Removes userId; when userId === actorId it is a leave (member.left). An owner leaving hands ownership on (chooseSuccessor). */
  removeMember(input: { conversationId: ConversationId; actorId: UserId; userId: UserId; at: number }): Promise<ConversationEvent[]>;
  /** Setting the role the member already has appends nothing (returns []). */
  setMemberRole(input: { conversationId: ConversationId; actorId: UserId; userId: UserId; role: 'admin' | 'member'; at: number }): Promise<ConversationEvent[]>;

  // ---- messages
  /** Group commit: all inputs in one transaction. See SendResult and the idempotency guarantee above. */
  appendMessages(inputs: readonly SendInput[]): Promise<SendResult[]>;
  getMessage(conversationId: ConversationId, messageId: MessageId): Promise<Message | null>;
  /**
   * Replaces the content (checkEdit: author only, same kind; NOT_FOUND for a deleted or
   * unknown message) and re-indexes searchText (null: not indexed).
   */
  editMessage(input: { conversationId: ConversationId; messageId: MessageId; actorId: UserId; kind: MessageKind; content: unknown; searchText: string | null; at: number }): Promise<{ message: Message; event: ConversationEvent }>;
  /** Author, or group owner/admin (domain/rules/message-rights.ts). Content becomes null (the kind stays) and the search index forgets it. */
  deleteMessageForEveryone(input: { conversationId: ConversationId; messageId: MessageId; actorId: UserId; at: number }): Promise<ConversationEvent>;
  /** Hides the message for the user only and appends a message.hidden user event. */
  hideMessage(input: { conversationId: ConversationId; messageId: MessageId; userId: UserId; at: number }): Promise<UserEvent>;
  /** Messages by seq excluding the ones the viewer hid; `before` pages back (results ascending), `after` forward. */
  history(input: { conversationId: ConversationId; viewerId: UserId; before?: number; after?: number; limit: number }): Promise<{ messages: Message[]; hasMore: boolean }>;
  /** Events with seq > after, ascending, at most limit: the raw log (see readAfter for a member's reads). */
  eventsAfter(conversationId: ConversationId, after: number, limit: number): Promise<EventPage>;
  /** Received (sent by others in my conversations) or sent by me, newest first. */
  mailbox(input: { userId: UserId; box: 'received' | 'sent'; limit: number; cursor?: TimeCursor }): Promise<MailboxItem[]>;

  // ---- receipts and per-user state
  /**
   * Raises a watermark (never lowers it; capped at lastSeq). Read implies delivered.
   * Returns the member's receipt after the change and whether anything changed.
   */
  advanceWatermark(input: { conversationId: ConversationId; userId: UserId; kind: 'delivered' | 'read'; seq: number }): Promise<{ receipt: Receipt; changed: boolean }>;
  /**
   * Group commit for watermarks: every input in ONE transaction, results in input order.
   * Each behaves as advanceWatermark; a non-member or unknown conversation fails only its
   * own item. Clients ack delivery of every message they receive, so this is a hot path.
   */
  advanceWatermarks(inputs: readonly WatermarkInput[]): Promise<WatermarkResult[]>;
  /** Every member's watermarks (readSeq null for members who do not share read receipts). */
  receipts(conversationId: ConversationId): Promise<{ receipts: Receipt[]; receiptsVersion: number }>;
  setArchived(input: { conversationId: ConversationId; userId: UserId; archived: boolean; at: number }): Promise<UserEvent | null>;
  userEventsAfter(userId: UserId, after: number, limit: number): Promise<{ events: UserEvent[]; hasMore: boolean; userSeq: number }>;
  /** For catch-up: the user's conversations with their lastSeq and receiptsVersion, and where the user's reading starts. */
  conversationHeads(userId: UserId): Promise<{ id: ConversationId; lastSeq: number; receiptsVersion: number; visibleFromSeq: number }[]>;

  // ---- operations
  ping(): Promise<void>;
  close(): Promise<void>;
}
