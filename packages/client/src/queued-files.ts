/**
 * Files of sends made offline: their bytes wait in the offline cache (IndexedDB in a
 * browser, so they survive a reload), the outbox item holds references, and when the
 * item's turn comes they are uploaded one by one, each upload recorded in the saved item
 * as it lands (a reload then does not upload it again) and its bytes dropped. The send
 * then carries the upload ids with the item's one clientMessageId: exactly once.
 */
import type { Attachment, AttachmentId } from '@parley/protocol';
import type { OfflineCache } from './cache/offline-cache';
import { randomId } from './client-support';
import type { OutboxItem, QueuedFileRef } from './outbox';
import { ParleyError } from './parley-error';

/** A file to send: a Blob (a browser File is one) and the name to show. */
export interface FileToSend {
  name: string;
  data: Blob;
}

export interface QueuedFilesDeps {
  cache: OfflineCache;
  upload(name: string, data: Blob): Promise<Attachment>;
}

export class QueuedFiles {
  /** Bytes still being written to the cache, by file id: an upload waits for its write. */
  private readonly writes = new Map<string, Promise<boolean>>();

  constructor(private readonly deps: QueuedFilesDeps) {}

  /** Starts keeping the files' bytes and returns their references at once (the write finishes in the background). */
  keep(files: readonly FileToSend[]): QueuedFileRef[] {
    return files.map((f) => {
      const ref: QueuedFileRef = { id: randomId(), name: f.name, type: f.data.type, size: f.data.size };
      const write = this.deps.cache.putFile({ ...ref, data: f.data }).catch(() => false);
      this.writes.set(ref.id, write);
      void write.finally(() => this.writes.delete(ref.id));
      return ref;
    });
  }

  /** The outbox's prepare: uploads what is not uploaded yet, then the item with every upload in attachmentIds. */
  async prepare(item: OutboxItem, save: (next: OutboxItem) => void): Promise<OutboxItem> {
    let files = [...(item.files ?? [])];
    for (let i = 0; i < files.length; i++) {
      const ref = files[i]!;
      if (ref.uploaded) continue;
      const kept = await (this.writes.get(ref.id) ?? Promise.resolve(true));
      const file = kept ? await this.deps.cache.getFile(ref.id) : null;
      if (!file) {
        await this.discard(files);
        // Too big for the cache's cap, or lost (the page closed before it was written).
        throw new ParleyError(kept ? 'ATTACHMENT_INVALID' : 'PAYLOAD_TOO_LARGE', `the file ${ref.name} queued offline is not available`, { retryable: false });
      }
      let attachment: Attachment;
      try {
        attachment = await this.deps.upload(ref.name, file.data);
      } catch (err) {
        if (err instanceof ParleyError && !err.retryable) await this.discard(files);
        throw err;
      }
      files = files.map((f, n) => (n === i ? { ...f, uploaded: attachment.id } : f));
      save({ ...item, files });
      // Saved first: a reload from here on sends this upload, it does not need the bytes.
      await this.deps.cache.deleteFile(ref.id).catch(() => {});
    }
    const uploaded = files.map((f) => f.uploaded).filter((id): id is AttachmentId => id !== undefined);
    const { files: _done, ...rest } = item;
    const ready: OutboxItem = { ...rest, attachmentIds: [...(item.attachmentIds ?? []), ...uploaded] };
    save(ready);
    return ready;
  }

  private async discard(files: readonly QueuedFileRef[]): Promise<void> {
    await Promise.all(files.filter((f) => !f.uploaded).map((f) => this.deps.cache.deleteFile(f.id).catch(() => {})));
  }
}
