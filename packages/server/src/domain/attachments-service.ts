/**
 * Attachments: streamed uploads with limits and quota, type detection, thumbnails,
 * member-only downloads (header or signed link), and the orphan sweep.
 *
 * An upload is: reserve quota (pending row) → stream the bytes into the blob store
 * through a byte counter that stops at the limit → detect the type from the head →
 * for safe images, decode within the pixel limit and store a thumbnail → mark ready.
 * Any failure deletes the reservation and whatever blobs were written, so a refused
 * or broken upload leaves nothing behind.
 */
import { Readable, Transform } from 'node:stream';
import type { Attachment, AttachmentId, ConversationId, UserId } from '@parley/protocol';
import type { AttachmentRecord } from '../store/attachments-port';
import { toMessageAttachment } from '../store/attachments-port';
import type { MemberRecord } from '../store/port';
import { readableMessage } from './rules/history-visibility';
import { assertBlobKey, type BlobKey, type BlobStore } from '../blobs/port';
import { sanitizeFileName, contentDisposition } from './attachments/file-name';
import { isInlineImage, servedType } from './attachments/media-types';
import { downloadPurpose, SIGNED_URL_TTL_MS, uploadPurpose, UrlSigner, type LinkHolder } from './attachments/signing';
import type { Deps } from './deps';
import { AppError, notFound, refusalError } from './errors';
import { newAttachmentId } from './attachments/ids';

export interface Download {
  body: Readable;
  size: number;
  contentType: string;
  disposition: string;
}

/** Thrown inside the byte counter; mapped to PAYLOAD_TOO_LARGE or QUOTA_EXCEEDED. */
class OverLimit extends Error {}

const blobKey = (id: AttachmentId): BlobKey => assertBlobKey(id);
const thumbKey = (id: AttachmentId): BlobKey => assertBlobKey(`${id}.thumb`);

export function toAttachment(r: AttachmentRecord): Attachment {
  return { ...toMessageAttachment(r), createdAt: r.createdAt, messageId: r.messageId };
}

export class AttachmentsService {
  private readonly signer: UrlSigner;

  constructor(private readonly deps: Deps) {
    this.signer = new UrlSigner(deps.keys.jwtSecret);
  }

  /** The blob store (closed by the HTTP server with the app). */
  get blobs(): BlobStore {
    return this.deps.blobs;
  }

  private get limits() {
    return this.deps.config.attachments;
  }

  /** Refusal before reading a byte, from the declared length alone. */
  checkDeclaredLength(length: number | null): void {
    if (length !== null && length > this.limits.uploadMaxBytes) throw new AppError('PAYLOAD_TOO_LARGE', `files are limited to ${this.limits.uploadMaxBytes} bytes`);
    if (length === 0) throw new AppError('BAD_REQUEST', 'the file is empty');
  }

  async upload(ownerId: UserId, input: { name: string; body: Readable; declaredLength: number | null }): Promise<Attachment> {
    this.checkDeclaredLength(input.declaredLength);
    const { uploadMaxBytes, userQuotaBytes } = this.limits;
    const id = newAttachmentId();
    const name = sanitizeFileName(input.name);
    // A chunked body has no declared length: reserve what it may still take.
    const remaining = userQuotaBytes - (await this.deps.store.attachments.usage(ownerId));
    const reserved = input.declaredLength ?? Math.min(uploadMaxBytes, remaining);
    if (reserved <= 0) throw quotaExceeded();
    // Over the quota here is the quotaExceeded refusal (domain/rules/quota.ts).
    await this.deps.store.attachments.reserve({ id, ownerId, name, reservedBytes: reserved, quotaBytes: userQuotaBytes, at: this.deps.clock() });

    let written = false;
    try {
      const { media } = this.deps;
      const head: Buffer[] = [];
      let headBytes = 0;
      let total = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          total += chunk.length;
          if (total > reserved) return done(new OverLimit());
          if (headBytes < media.sniffBytes) {
            head.push(chunk.subarray(0, media.sniffBytes - headBytes));
            headBytes += Math.min(chunk.length, media.sniffBytes - headBytes);
          }
          done(null, chunk);
        },
      });
      input.body.on('error', (err) => counter.destroy(err));
      input.body.pipe(counter);
      let size: number;
      try {
        ({ size } = await this.blobs.put(blobKey(id), counter));
      } catch (err) {
        input.body.unpipe(counter);
        if (err instanceof OverLimit || total > reserved) {
          throw reserved < uploadMaxBytes && input.declaredLength === null ? quotaExceeded() : new AppError('PAYLOAD_TOO_LARGE', `files are limited to ${uploadMaxBytes} bytes`);
        }
        if (isStorageFull(err)) throw storageFull();
        throw new AppError('BAD_REQUEST', 'the upload did not complete');
      }
      written = true;
      if (size === 0) throw new AppError('BAD_REQUEST', 'the file is empty');

      const detected = await media.detectType(Buffer.concat(head));
      let facts = { kind: 'file' as 'image' | 'file', width: null as number | null, height: null as number | null, hasThumbnail: false };
      if (isInlineImage(detected)) {
        const source = await this.blobs.get(blobKey(id));
        const image = source ? await media.inspectImage(source) : null;
        if (image) {
          await this.blobs.put(thumbKey(id), readableOf(image.thumbnail), { contentType: 'image/webp' });
          facts = { kind: 'image', width: image.width, height: image.height, hasThumbnail: true };
        }
      }
      const record = await this.deps.store.attachments.complete({ id, size, contentType: detected, ...facts });
      return toAttachment(record);
    } catch (err) {
      await this.discard(id, written);
      throw isStorageFull(err) ? storageFull() : err;
    }
  }

  /** Deletes an upload of mine no message carries yet. */
  async deleteUpload(ownerId: UserId, id: AttachmentId): Promise<void> {
    const deleted = await this.deps.store.attachments.deleteUnattached({ id, ownerId });
    if (!deleted) throw notFound('attachment not found');
    await this.removeBlobs(id);
  }

  /** A signed upload URL for this user, valid while their sessions are (path and query; append &name=). */
  uploadUrl(holder: LinkHolder): { url: string; expiresAt: number } {
    const exp = this.deps.clock() + SIGNED_URL_TTL_MS;
    const sig = this.signer.sign(uploadPurpose(holder), exp);
    return { url: `/api/attachments?uid=${encodeURIComponent(holder.id)}&exp=${exp}&sig=${sig}`, expiresAt: exp };
  }

  /** The user a signed upload URL names, or null when it is forged, expired, or their sessions were revoked since. */
  async verifyUploadUrl(q: { uid?: string | undefined; exp?: number | undefined; sig?: string | undefined }): Promise<UserId | null> {
    return this.linkHolder(q.uid, (holder) => this.signer.verify(uploadPurpose(holder), q.exp, q.sig, this.deps.clock()));
  }

  /**
   * Signed links for the asked attachments that a live message of this conversation
   * carries and I may read (member only), bound to my sessions.
   */
  async links(viewer: LinkHolder & { id: UserId }, conversationId: ConversationId, ids: readonly AttachmentId[]) {
    const member = await this.requireMember(conversationId, viewer.id);
    const exp = this.deps.clock() + SIGNED_URL_TTL_MS;
    const links = [];
    for (const id of new Set(ids)) {
      const rec = await this.visible(conversationId, id, member);
      if (!rec) continue;
      const base = `/api/conversations/${encodeURIComponent(conversationId)}/attachments/${encodeURIComponent(id)}`;
      const query = (variant: 'file' | 'thumbnail') => `?u=${encodeURIComponent(viewer.id)}&exp=${exp}&sig=${this.signer.sign(downloadPurpose(conversationId, id, variant, viewer), exp)}`;
      links.push({ id, url: base + query('file'), thumbnailUrl: rec.hasThumbnail ? `${base}/thumbnail${query('thumbnail')}` : null, expiresAt: exp });
    }
    return { links };
  }

  /** The viewer a signed download link was minted for, or null when it is forged, expired, or their sessions were revoked since. */
  async verifyDownload(conversationId: ConversationId, id: AttachmentId, variant: 'file' | 'thumbnail', q: { u?: string | undefined; exp?: number | undefined; sig?: string | undefined }): Promise<UserId | null> {
    return this.linkHolder(q.u, (holder) => this.signer.verify(downloadPurpose(conversationId, id, variant, holder), q.exp, q.sig, this.deps.clock()));
  }

  /** The named user when the signature holds for their current sessions and they are not suspended. */
  private async linkHolder(userId: string | undefined, verify: (holder: LinkHolder) => boolean): Promise<UserId | null> {
    if (!userId) return null;
    const user = await this.deps.store.getUser(userId as UserId);
    if (!user || user.suspendedAt !== null || !verify(user)) return null;
    return user.id;
  }

  /**
   * Opens a download for `viewer`: the authenticated user, or the holder of a verified
   * signed link. Membership, and that they may read the message, are checked here either
   * way, so a link stops working for a member who left.
   */
  async download(viewer: UserId, conversationId: ConversationId, id: AttachmentId, variant: 'file' | 'thumbnail'): Promise<Download> {
    const member = await this.requireMember(conversationId, viewer);
    const rec = await this.visible(conversationId, id, member);
    if (!rec || (variant === 'thumbnail' && !rec.hasThumbnail)) throw notFound('attachment not found');
    const key = variant === 'thumbnail' ? thumbKey(id) : blobKey(id);
    const [body, size] = await Promise.all([this.blobs.get(key), this.blobs.size(key)]);
    if (!body || size === null) {
      body?.destroy();
      throw notFound('attachment not found');
    }
    if (variant === 'thumbnail') return { body, size, contentType: 'image/webp', disposition: contentDisposition('inline', thumbName(rec.name)) };
    const inline = rec.kind === 'image' && isInlineImage(rec.contentType);
    return { body, size, contentType: servedType(rec.contentType, rec.kind), disposition: contentDisposition(inline ? 'inline' : 'attachment', rec.name) };
  }

  /**
   * Deletes uploads no message carried within the TTL, uploads released when their
   * message went (any age), with their blobs, and leftovers of interrupted writes. Safe
   * on many nodes at once: each deletion is conditional.
   */
  async sweep(now: number = this.deps.clock()): Promise<number> {
    const ttlMs = this.limits.orphanTtlSec * 1000;
    const createdBefore = now - ttlMs;
    let removed = 0;
    for (;;) {
      const batch = await this.deps.store.attachments.listUnattached({ createdBefore, limit: 100 });
      for (const rec of batch) {
        const gone = await this.deps.store.attachments.deleteUnattached({ id: rec.id, createdBefore });
        if (!gone) continue;
        await this.removeBlobs(rec.id);
        removed++;
      }
      if (batch.length < 100) break;
    }
    await this.blobs.sweepPartial?.(now, ttlMs);
    return removed;
  }

  private async requireMember(conversationId: ConversationId, userId: UserId): Promise<MemberRecord> {
    const member = await this.deps.store.getMember(conversationId, userId);
    if (!member) throw notFound('conversation not found');
    return member;
  }

  /**
   * The attachment when a live (not deleted) message of this conversation carries it and
   * `reader` may read that message (rules/history-visibility.ts), or uploaded it: my own
   * files stay mine, as the export says.
   */
  private async visible(conversationId: ConversationId, id: AttachmentId, reader: MemberRecord): Promise<AttachmentRecord | null> {
    const rec = await this.deps.store.attachments.get(id);
    if (!rec || rec.conversationId !== conversationId || rec.messageId === null || rec.state !== 'ready') return null;
    const found = await this.deps.store.getMessage(conversationId, rec.messageId);
    const message = reader.userId !== rec.ownerId ? readableMessage(reader, found) : found;
    return message && message.deletedAt === null ? rec : null;
  }

  private async discard(id: AttachmentId, written: boolean): Promise<void> {
    try {
      await this.deps.store.attachments.deleteUnattached({ id });
      if (written) await this.removeBlobs(id);
    } catch (err) {
      // The sweep retries later; the upload itself already failed.
      this.deps.log.warn({ err, attachmentId: id }, 'could not discard a failed upload');
    }
  }

  private async removeBlobs(id: AttachmentId): Promise<void> {
    await this.blobs.delete(blobKey(id));
    await this.blobs.delete(thumbKey(id));
  }
}

function quotaExceeded(): AppError {
  return refusalError('quotaExceeded');
}

function thumbName(name: string): string {
  const dot = name.lastIndexOf('.');
  return `${dot > 0 ? name.slice(0, dot) : name}-thumbnail.webp`;
}

function readableOf(buf: Buffer): Readable {
  return Readable.from([buf]);
}

/** The disk (or the quota of the file system) is full: a retry after space returns can succeed. */
function isStorageFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

const storageFull = () => new AppError('UNAVAILABLE', 'storage is full, retry later');
