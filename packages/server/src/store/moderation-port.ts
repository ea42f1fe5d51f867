/**
 * The moderation sub-port: blocks between users, reports of messages, and the admin's
 * powers (roles, suspension, deleting any message for everyone).
 *
 * Guarantees every adapter gives:
 * - A block is one row per (blocker, blocked); block() and unblock() are idempotent.
 *   blockedEitherWay() and blockedAmong() are single indexed reads. The send path does
 *   not call them: Store.appendMessages checks direct sends in its own transaction.
 * - At most one open report per (reporter, message): a second one while the first is
 *   open is CONFLICT.
 * - deleteMessageAsModerator appends a message.deleted event (actor: the moderator, who
 *   need not be a member) in the same transaction that erases the message, like
 *   Store.deleteMessageForEveryone; NOT_FOUND for an unknown or already deleted message.
 * - Errors are StoreError; NOT_FOUND for unknown users where a method names one.
 */
import type { ClientMessageId, ConversationEvent, ConversationId, Message, MessageId, UserId } from '@parley/protocol';
import type { PublicUserRecord, UserRecord } from './port';

export interface ReportRecord {
  id: string;
  conversationId: ConversationId;
  messageId: MessageId;
  reporterId: UserId;
  reason: string;
  createdAt: number;
  resolvedAt: number | null;
  resolvedBy: UserId | null;
}

export interface ModerationStore {
  /** Returns true when the block is new. NOT_FOUND when blockedId is not a user. */
  block(input: { blockerId: UserId; blockedId: UserId; at: number }): Promise<boolean>;
  /** Returns true when a block was removed. */
  unblock(input: { blockerId: UserId; blockedId: UserId }): Promise<boolean>;
  /** The users blockerId blocked, most recent first. */
  listBlocks(blockerId: UserId): Promise<{ user: PublicUserRecord; blockedAt: number }[]>;
  /** True when a blocked b or b blocked a. */
  blockedEitherWay(a: UserId, b: UserId): Promise<boolean>;
  /** Those of `others` who blocked userId or whom userId blocked. */
  blockedAmong(userId: UserId, others: readonly UserId[]): Promise<Set<UserId>>;
  /** Everyone in a block with userId, either way (a connection's delivery filter). */
  blockRelations(userId: UserId): Promise<UserId[]>;

  /** The message the sender stored under this client id, if any (a retry's original). */
  findSent(senderId: UserId, clientMessageId: ClientMessageId): Promise<Message | null>;

  /** CONFLICT while the reporter has an open report of the message. */
  createReport(input: { id: string; conversationId: ConversationId; messageId: MessageId; reporterId: UserId; reason: string; at: number }): Promise<ReportRecord>;
  getReport(id: string): Promise<ReportRecord | null>;
  /** Open reports ordered by (createdAt, id), after the cursor. */
  listOpenReports(input: { limit: number; after?: { at: number; id: string } }): Promise<ReportRecord[]>;
  /** Returns false when the report does not exist; resolving a resolved report changes nothing. */
  resolveReport(input: { id: string; by: UserId; at: number }): Promise<boolean>;
  resolveReportsOfMessage(input: { messageId: MessageId; by: UserId; at: number }): Promise<number>;

  deleteMessageAsModerator(input: { conversationId: ConversationId; messageId: MessageId; moderatorId: UserId; at: number }): Promise<ConversationEvent>;
  /** NOT_FOUND for an unknown user. */
  setRole(userId: UserId, role: UserRecord['role']): Promise<void>;
  /** Sets or clears suspendedAt; NOT_FOUND for an unknown user. */
  setSuspended(userId: UserId, at: number | null): Promise<void>;
}
