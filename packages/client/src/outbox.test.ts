import { describe, expect, it } from 'vitest';
import { textMessage, type AttachmentId, type ClientMessageId, type ConversationId, type Message, type ReplyData, type UserId } from '@parley/protocol';
import { draftOf, Outbox, type OutboxItem } from './outbox';
import { ParleyError, connectionLost } from './parley-error';
import { Backoff } from './reconnect';
import { memoryStorage } from './storage';

const alice = 'alice' as UserId;
const c1 = 'c1' as ConversationId;
const item = (n: number): OutboxItem => ({ clientMessageId: `m${n}` as ClientMessageId, conversationId: c1, message: textMessage(`hello ${n}`), createdAt: n });
const messageFor = (i: OutboxItem, seq: number): Message => ({
  id: `id-${i.clientMessageId}` as Message['id'],
  conversationId: i.conversationId,
  seq,
  senderId: alice,
  clientMessageId: i.clientMessageId,
  ...draftOf(i),
  replyTo: null,
  threadRootId: null,
  targetId: null,
  createdAt: 1,
  editedAt: null,
  deletedAt: null,
}) as Message;

function setup(send: (i: OutboxItem) => Promise<ReplyData['send']>, storage = memoryStorage()) {
  const changes: (readonly OutboxItem[])[] = [];
  const outbox = new Outbox({ storage, key: 'k.outbox', send, onChange: (items) => changes.push(items), backoff: new Backoff({ minDelayMs: 0, maxDelayMs: 0 }) });
  outbox.load(alice);
  return { outbox, storage, changes };
}

const withFiles = (n: number, ...ids: string[]): OutboxItem => ({ ...item(n), attachmentIds: ids as AttachmentId[] });

describe('Outbox', () => {
  it('persists items so a new outbox over the same storage (a page reload) sends them', async () => {
    const storage = memoryStorage();
    const first = setup(() => new Promise(() => {}), storage);
    void first.outbox.add(item(1));
    void first.outbox.add(item(2));
    expect(first.changes.at(-1)).toHaveLength(2);

    const sent: string[] = [];
    const second = setup(async (i) => {
      sent.push(i.clientMessageId);
      return { message: messageFor(i, sent.length), duplicate: false };
    }, storage);
    expect(second.outbox.items.map((i) => i.clientMessageId)).toEqual(['m1', 'm2']);
    second.outbox.setOnline(true);
    await until(() => second.outbox.items.length === 0);
    expect(sent).toEqual(['m1', 'm2']);
    expect(storage.getItem('k.outbox')).toBeNull();
  });

  it("discards another user's saved items", () => {
    const storage = memoryStorage();
    storage.setItem('k.outbox', JSON.stringify({ userId: 'bob', items: [item(1)] }));
    const { outbox } = setup(() => new Promise(() => {}), storage);
    expect(outbox.items).toEqual([]);
  });

  it('retries retryable failures and lost connections with the same clientMessageId, in order', async () => {
    const attempts: string[] = [];
    let failures = 0;
    const { outbox } = setup(async (i) => {
      attempts.push(i.clientMessageId);
      if (failures === 0) {
        failures++;
        throw new ParleyError('RATE_LIMITED', 'slow down', { retryAfterMs: 0 });
      }
      if (failures === 1) {
        failures++;
        throw new ParleyError('UNAVAILABLE', 'db down');
      }
      return { message: messageFor(i, attempts.length), duplicate: failures++ === 2 };
    });
    const a = outbox.add(item(1));
    const b = outbox.add(item(2));
    outbox.setOnline(true);
    expect((await a).clientMessageId).toBe('m1');
    expect((await b).clientMessageId).toBe('m2');
    expect(attempts).toEqual(['m1', 'm1', 'm1', 'm2']);
  });

  it('waits for the next connection after a connection loss', async () => {
    let online = true;
    const attempts: string[] = [];
    const { outbox } = setup(async (i) => {
      attempts.push(i.clientMessageId);
      if (online) {
        online = false;
        outbox.setOnline(false);
        throw connectionLost();
      }
      return { message: messageFor(i, 1), duplicate: true };
    });
    const done = outbox.add(item(1));
    outbox.setOnline(true);
    await until(() => attempts.length === 1);
    await new Promise((r) => setTimeout(r, 5));
    expect(attempts).toHaveLength(1); // no retry while offline
    outbox.setOnline(true);
    expect((await done).clientMessageId).toBe('m1');
    expect(attempts).toEqual(['m1', 'm1']);
  });

  it('drops an item on a non-retryable error, rejects its done, and goes on with the next', async () => {
    const { outbox } = setup(async (i) => {
      if (i.clientMessageId === 'm1') throw new ParleyError('NOT_FOUND', 'no such conversation');
      return { message: messageFor(i, 1), duplicate: false };
    });
    const a = outbox.add(item(1));
    const b = outbox.add(item(2));
    outbox.setOnline(true);
    await expect(a).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await b).clientMessageId).toBe('m2');
    expect(outbox.items).toEqual([]);
  });

  it('clear rejects what waits and empties storage', async () => {
    const { outbox, storage } = setup(() => new Promise(() => {}));
    const a = outbox.add(item(1));
    outbox.clear(new ParleyError('UNAUTHENTICATED', 'logged out'));
    await expect(a).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(storage.getItem('k.outbox')).toBeNull();
  });
});

describe('Outbox with attachments', () => {
  it('persists attachmentIds, so after a reload the queued send still carries them', async () => {
    const storage = memoryStorage();
    const first = setup(() => new Promise(() => {}), storage);
    void first.outbox.add(withFiles(1, 'f1', 'f2'));
    void first.outbox.add(item(2));
    const saved = JSON.parse(storage.getItem('k.outbox')!) as { items: OutboxItem[] };
    expect(saved.items.map((i) => i.attachmentIds)).toEqual([['f1', 'f2'], undefined]);

    const sent: OutboxItem[] = [];
    const second = setup(async (i) => {
      sent.push(i);
      return { message: messageFor(i, sent.length), duplicate: false };
    }, storage);
    expect(second.outbox.items[0]).toEqual(withFiles(1, 'f1', 'f2'));
    second.outbox.setOnline(true);
    await until(() => second.outbox.items.length === 0);
    expect(sent.map((i) => [i.clientMessageId, i.attachmentIds])).toEqual([
      ['m1', ['f1', 'f2']],
      ['m2', undefined],
    ]);
  });

  it('loads entries saved before attachmentIds existed and sends them as text', async () => {
    const storage = memoryStorage();
    // Exactly what an older SDK wrote: no attachmentIds key at all.
    const old = { clientMessageId: 'old1', conversationId: 'c1', body: 'from before', title: null, createdAt: 5 };
    storage.setItem('k.outbox', JSON.stringify({ userId: 'alice', items: [old] }));
    const sent: OutboxItem[] = [];
    const { outbox } = setup(async (i) => {
      sent.push(i);
      return { message: messageFor(i, 1), duplicate: false };
    }, storage);
    expect(outbox.items).toEqual([old]);
    const next = outbox.add(withFiles(2, 'f9'));
    outbox.setOnline(true);
    expect((await next).clientMessageId).toBe('m2');
    expect(sent.map((i) => [i.clientMessageId, i.attachmentIds])).toEqual([
      ['old1', undefined],
      ['m2', ['f9']],
    ]);
  });

  it('every retry carries the same clientMessageId and the same attachmentIds', async () => {
    const attempts: OutboxItem[] = [];
    let online = true;
    const { outbox } = setup(async (i) => {
      attempts.push(i);
      if (attempts.length === 1) throw new ParleyError('UNAVAILABLE', 'db down');
      if (attempts.length === 2) {
        online = false;
        outbox.setOnline(false);
        throw connectionLost();
      }
      // The second attempt was stored before its reply got lost: the server answers with the original.
      return { message: messageFor(i, 1), duplicate: true };
    });
    const done = outbox.add(withFiles(1, 'f1'));
    outbox.setOnline(true);
    await until(() => attempts.length === 2 && !online);
    outbox.setOnline(true);
    expect((await done).clientMessageId).toBe('m1');
    expect(attempts).toHaveLength(3);
    for (const a of attempts) expect(a).toEqual(withFiles(1, 'f1'));
  });

  it('ATTACHMENT_INVALID fails the send at once (no retry), removes it from storage and lets the next one go', async () => {
    const storage = memoryStorage();
    const attempts: string[] = [];
    const { outbox } = setup(async (i) => {
      attempts.push(i.clientMessageId);
      if (i.attachmentIds?.includes('expired' as AttachmentId)) throw new ParleyError('ATTACHMENT_INVALID', 'unknown attachment');
      return { message: messageFor(i, attempts.length), duplicate: false };
    }, storage);
    const bad = outbox.add(withFiles(1, 'expired'));
    const good = outbox.add(withFiles(2, 'f2'));
    outbox.setOnline(true);
    await expect(bad).rejects.toMatchObject({ code: 'ATTACHMENT_INVALID', retryable: false });
    expect((await good).clientMessageId).toBe('m2');
    expect(attempts).toEqual(['m1', 'm2']);
    expect(outbox.items).toEqual([]);
    expect(storage.getItem('k.outbox')).toBeNull();
  });

  it('prepares an item with queued files before sending it, saving each step so a reload resumes from there', async () => {
    const storage = memoryStorage();
    const queued: OutboxItem = { ...item(1), attachmentIds: ['up0' as AttachmentId], files: [{ id: 'f1', name: 'a.png', type: 'image/png', size: 3 }, { id: 'f2', name: 'b.txt', type: 'text/plain', size: 2 }] };
    const sent: OutboxItem[] = [];
    const saved: (string | null)[] = [];
    const outbox = new Outbox({
      storage,
      key: 'k.outbox',
      send: async (i) => {
        sent.push(i);
        return { message: messageFor(i, 1), duplicate: false };
      },
      prepare: async (i, save) => {
        const first = { ...i, files: i.files!.map((f, n) => (n === 0 ? { ...f, uploaded: 'up1' as AttachmentId } : f)) };
        save(first);
        saved.push(storage.getItem('k.outbox'));
        const ready: OutboxItem = { ...i, files: undefined, attachmentIds: ['up0', 'up1', 'up2'] as AttachmentId[] };
        save(ready);
        return ready;
      },
      onChange: () => {},
    });
    outbox.load(alice);
    const done = outbox.add(queued);
    outbox.setOnline(true);
    await done;
    expect(JSON.parse(saved[0]!).items[0].files[0].uploaded).toBe('up1');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ clientMessageId: 'm1', attachmentIds: ['up0', 'up1', 'up2'] });
    expect(sent[0]!.files).toBeUndefined();
  });

  it('a prepare refused for good fails the item without sending it; a retryable one waits and tries again', async () => {
    let attempts = 0;
    const sent: string[] = [];
    const outboxWithPrepare = new Outbox({
      storage: memoryStorage(),
      key: 'k2',
      send: async (i) => {
        sent.push(i.clientMessageId);
        return { message: messageFor(i, 1), duplicate: false };
      },
      prepare: async (i) => {
        if (i.clientMessageId === 'm1') throw new ParleyError('PAYLOAD_TOO_LARGE', 'too big', { retryable: false });
        if (++attempts < 3) throw connectionLost();
        return { ...i, files: undefined };
      },
      onChange: () => {},
      backoff: new Backoff({ minDelayMs: 0, maxDelayMs: 0 }),
    });
    outboxWithPrepare.load(alice);
    const file = [{ id: 'f', name: 'f', type: '', size: 1 }];
    const failed = outboxWithPrepare.add({ ...item(1), files: file });
    const later = outboxWithPrepare.add({ ...item(2), files: file });
    outboxWithPrepare.setOnline(true);
    await expect(failed).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    await later;
    expect(attempts).toBe(3);
    expect(sent).toEqual(['m2']);
  });
});

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 1));
  expect(cond()).toBe(true);
}
