/**
 * The attachments sub-port: upload records, per-user quota, and the orphan list. The
 * bytes live in a BlobStore (blobs/port.ts); this port only keeps what is known about
 * them. Linking uploads to a message happens inside Store.appendMessages (see
 * SendInput.attachmentIds), in the transaction that stores the message.
 *
 * Guarantees every adapter gives:
 * - reserve() checks the quota and inserts the reservation atomically: concurrent
 *   uploads of one user can never together pass the quota.
 * - A pending upload (bytes still streaming in) counts against the quota with its
 *   reserved size, and can never be attached to a message.
 * - An attachment is carried by at most one message, and only its owner can attach it.
 * - deleteUnattached() never deletes an attachment a message carries, even racing a send.
 * - When its message goes (deleted for everyone, its author erased, retention), an
 *   attachment is released in the same transaction: detached, never downloadable or
 *   attachable again, and listed for the sweep at once whatever its age. Releasing rather
 *   than deleting the row keeps the record of the bytes until the sweep removes them.
 * - Errors are StoreError with a port code.
 */
import type { AttachmentId, ConversationId, MessageAttachment, MessageId, UserId } from '@parley/protocol';

export interface AttachmentRecord {
  id: AttachmentId;
  ownerId: UserId;
  /** 'pending' while the bytes stream in, 'ready' once stored and inspected. */
  state: 'pending' | 'ready';
  /** Sanitised display name. */
  name: string;
  /** Bytes; for a pending upload, the bytes reserved against the quota. */
  size: number;
  contentType: string;
  kind: 'image' | 'file';
  width: number | null;
  height: number | null;
  hasThumbnail: boolean;
  /** Both set once a message carries it; cleared again when it is released. */
  conversationId: ConversationId | null;
  messageId: MessageId | null;
  createdAt: number;
  /** When the message carrying it went; a released upload only waits for the sweep. */
  releasedAt: number | null;
}

export interface NewUpload {
  id: AttachmentId;
  ownerId: UserId;
  name: string;
  reservedBytes: number;
  /** The owner's quota: the reservation fails with the quotaExceeded refusal (QUOTA_EXCEEDED) if usage would pass it. */
  quotaBytes: number;
  at: number;
}

export interface UploadFacts {
  id: AttachmentId;
  size: number;
  contentType: string;
  kind: 'image' | 'file';
  width: number | null;
  height: number | null;
  hasThumbnail: boolean;
}

export interface AttachmentsStore {
  /** Records a pending upload. QUOTA_EXCEEDED (domain/rules/quota.ts) when usage + reservedBytes > quotaBytes; CONFLICT for a taken id. */
  reserve(upload: NewUpload): Promise<void>;
  /** Turns a pending upload ready with its real size and type. NOT_FOUND when the reservation is gone (deleted or swept). */
  complete(facts: UploadFacts): Promise<AttachmentRecord>;
  get(id: AttachmentId): Promise<AttachmentRecord | null>;
  /**
   * Deletes the record when no message carries it (and, with ownerId, when it is that
   * user's; with createdBefore, when it is that old or released). Returns what was
   * deleted, or null.
   */
  deleteUnattached(input: { id: AttachmentId; ownerId?: UserId; createdBefore?: number }): Promise<AttachmentRecord | null>;
  /** Uploads no message carries, created before the time or released, oldest first (the orphan sweep's work list). */
  listUnattached(input: { createdBefore: number; limit: number }): Promise<AttachmentRecord[]>;
  /** Bytes the user's attachments take, pending reservations included. */
  usage(ownerId: UserId): Promise<number>;
}

/** What a message carries about one attachment (also the JSON kept with the message). */
export function toMessageAttachment(r: AttachmentRecord): MessageAttachment {
  return {
    id: r.id,
    name: r.name,
    size: r.size,
    contentType: r.contentType,
    kind: r.kind,
    ...(r.width !== null ? { width: r.width } : {}),
    ...(r.height !== null ? { height: r.height } : {}),
    hasThumbnail: r.hasThumbnail,
  };
}

/**
 * Why an attachment list cannot go on a message from this sender, or null when it can.
 * Shared by both adapters so they refuse the same cases. `claimed` holds ids taken by
 * earlier sends of the same batch.
 */
export function attachRefusal(
  ids: readonly AttachmentId[],
  rows: ReadonlyMap<string, AttachmentRecord>,
  senderId: UserId,
  claimed: ReadonlySet<string>,
): 'ATTACHMENT_INVALID' | null {
  if (new Set(ids).size !== ids.length) return 'ATTACHMENT_INVALID';
  for (const id of ids) {
    const row = rows.get(id);
    if (!row || row.ownerId !== senderId || row.state !== 'ready' || row.messageId !== null || row.releasedAt !== null || claimed.has(id)) {
      return 'ATTACHMENT_INVALID';
    }
  }
  return null;
}
