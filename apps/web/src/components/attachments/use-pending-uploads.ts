/** The composer's uploads: each file starts uploading as soon as it is picked or dropped. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ATTACHMENT_LIMITS, type Attachment, type ClientMessageId, type ConversationId } from '@parley/protocol';
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
  /** A local preview for images (revoked when removed). */
  previewUrl: string | null;
}

export function usePendingUploads() {
  const { client } = useServices();
  const [items, setItems] = useState<PendingUpload[]>([]);
  const aborts = useRef(new Map<string, AbortController>());

  const patch = (key: string, change: Partial<PendingUpload>) => setItems((list) => list.map((i) => (i.key === key ? { ...i, ...change } : i)));

  const add = useCallback(
    (files: Iterable<File>) => {
      const fresh: PendingUpload[] = [];
      for (const file of files) {
        const key = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
        fresh.push({ key, file, progress: 0, attachment: null, error: null, previewUrl: file.type.startsWith('image/') ? URL.createObjectURL(file) : null });
      }
      setItems((list) => [...list, ...fresh].slice(0, ATTACHMENT_LIMITS.perMessage));
      for (const item of fresh) {
        const abort = new AbortController();
        aborts.current.set(item.key, abort);
        uploadFile(client, item.file, (progress) => patch(item.key, { progress }), abort.signal).then(
          (attachment) => patch(item.key, { attachment, progress: 1 }),
          (err: unknown) => patch(item.key, { error: describeError(err) }),
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

  const busy = items.some((i) => !i.attachment && !i.error);
  const ready = items.filter((i) => i.attachment).map((i) => i.attachment!);
  // One client id per composed message, kept across retries so a retry is never a second message.
  const clientMessageId = useRef<string | null>(null);

  /**
   * Sends text with the uploaded files. Over REST, not the offline outbox: the uploads
   * need the network anyway. The body is required, so an empty text says what is attached.
   */
  const send = useCallback(
    async (conversationId: string, text: string) => {
      clientMessageId.current ??= `web-${crypto.randomUUID()}`;
      const body = text.trim() ? text : ready.map((a) => a.name).join(', ');
      await client.request('send', {
        params: { id: conversationId as ConversationId },
        body: { clientMessageId: clientMessageId.current as ClientMessageId, body, attachmentIds: ready.map((a) => a.id) },
      });
      clientMessageId.current = null;
      clear();
    },
    [client, ready, clear],
  );
  return { items, add, remove, clear, send, busy, ready };
}
