/** The composer's uploads: each file starts uploading as soon as it is picked or dropped. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ParleyError } from '@parley/client';
import { ATTACHMENT_LIMITS, type Attachment } from '@parley/protocol';
import { useServices } from '../../state/app-context';
import { describeError } from '../../state/errors';
import { uploadFile } from './upload';

export interface PendingUpload {
  key: string;
  file: File;
  /** 0..1 while uploading. */
  progress: number;
  attachment: Attachment | null;
  error: string | null;
  /** The upload could not reach the server (offline): the file is sent with the message, which waits for the network. */
  queued: boolean;
  /** A local preview for images (revoked when removed). */
  previewUrl: string | null;
}

export function usePendingUploads() {
  const { client, store } = useServices();
  const [items, setItems] = useState<PendingUpload[]>([]);
  const aborts = useRef(new Map<string, AbortController>());

  const patch = (key: string, change: Partial<PendingUpload>) => setItems((list) => list.map((i) => (i.key === key ? { ...i, ...change } : i)));

  const add = useCallback(
    (files: Iterable<File>) => {
      const fresh: PendingUpload[] = [];
      for (const file of files) {
        const key = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
        fresh.push({ key, file, progress: 0, attachment: null, error: null, queued: false, previewUrl: file.type.startsWith('image/') ? URL.createObjectURL(file) : null });
      }
      setItems((list) => [...list, ...fresh].slice(0, ATTACHMENT_LIMITS.perMessage));
      for (const item of fresh) {
        const abort = new AbortController();
        aborts.current.set(item.key, abort);
        uploadFile(client, item.file, (progress) => patch(item.key, { progress }), abort.signal).then(
          (attachment) => patch(item.key, { attachment, progress: 1 }),
          // Offline (or the network dropped mid-upload): the SDK keeps the file and uploads it with the send.
          (err: unknown) => patch(item.key, err instanceof ParleyError && err.retryable && !abort.signal.aborted ? { queued: true, progress: 0 } : { error: describeError(err) }),
        );
      }
    },
    [client],
  );

  const remove = useCallback(
    (key: string) => {
      setItems((list) => {
        const item = list.find((i) => i.key === key);
        if (item?.previewUrl) URL.revokeObjectURL(item.previewUrl);
        aborts.current.get(key)?.abort();
        // Frees the quota now instead of waiting for the server's orphan sweep.
        if (item?.attachment) client.request('deleteUpload', { params: { attachmentId: item.attachment.id } }).catch(() => {});
        return list.filter((i) => i.key !== key);
      });
    },
    [client],
  );

  /** After a send: forget the items without deleting their (now sent) uploads. */
  const clear = useCallback(() => {
    setItems((list) => {
      for (const i of list) if (i.previewUrl) URL.revokeObjectURL(i.previewUrl);
      return [];
    });
  }, []);

  useEffect(() => () => aborts.current.forEach((a) => a.abort()), []);

  const busy = items.some((i) => !i.attachment && !i.error && !i.queued);
  const ready = items.filter((i) => i.attachment).map((i) => i.attachment!);
  const queued = items.filter((i) => i.queued && !i.attachment);

  /**
   * Queues text with the uploaded files in the SDK outbox, like a text send: it shows
   * pending until the server has it, waits out a lost connection (the uploads are done;
   * only they needed the network), and a refusal shows as "Message not sent". The body
   * is required, so an empty text says what is attached. The chips go, the uploads stay:
   * the queued message carries them.
   */
  const send = useCallback(
    (conversationId: string, text: string) => {
      const body = text.trim() ? text : [...ready.map((a) => a.name), ...queued.map((i) => i.file.name)].join(', ');
      store.send(conversationId, body, ready.map((a) => a.id), queued.map((i) => ({ name: i.file.name, data: i.file })));
      clear();
    },
    [store, ready, queued, clear],
  );
  return { items, add, remove, clear, send, busy, ready, queued };
}
