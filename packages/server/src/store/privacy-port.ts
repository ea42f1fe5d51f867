/**
 * The privacy sub-port: what a user's export reads beyond the core port, and erasure.
 *
 * Guarantees every adapter gives:
 * - eraseUser runs in one transaction: either the whole erasure is stored or nothing.
 *   Afterwards the user is a member of nothing; every message they wrote is a tombstone
 *   (body '', title null, no attachments, deletedAt set) and the log entries that held
 *   its text are blanked; a message.deleted event was appended for each message that
 *   was not deleted yet; their hide marks, user events, refresh tokens, their own
 *   notifications and their push subscriptions are gone (others' notifications about
 *   their messages stay, with the blank preview of a deleted message); the user record
 *   is the placeholder described in @parley/protocol privacy.ts, with sessionVersion
 *   bumped; their uploads are released (attachments-port.ts: detached, never
 *   downloadable or attachable again, and the orphan sweep removes their bytes).
 * - Leaving follows the same rule as Store.removeMember for an owner: the oldest admin,
 *   else the oldest member, becomes owner.
 * - Errors are StoreError; NOT_FOUND when the user does not exist.
 */
import type { ConversationEvent, Message, UserId } from '@parley/protocol';
import type { AttachmentRecord } from './attachments-port';

export interface ErasureResult {
  /** Every event appended, in commit order per conversation, for fan-out. */
  events: ConversationEvent[];
  /** Uploads that were released (their bytes are for the orphan sweep). */
  detachedFiles: number;
}

export interface PrivacyStore {
  /** Messages the user wrote that are not deleted for everyone, in any conversation, oldest first, keyset-paged by (createdAt, id). */
  messagesByAuthor(input: { userId: UserId; limit: number; after?: { at: number; id: string } }): Promise<Message[]>;
  /** Every upload the user owns, oldest first. */
  filesOf(userId: UserId): Promise<AttachmentRecord[]>;
  eraseUser(input: { userId: UserId; at: number; username: string; displayName: string }): Promise<ErasureResult>;
}
