import { describe, expect, it } from 'vitest';
import type { ClientMessageId, ConversationId, Message, ReplyData, UserId } from '@parley/protocol';
import { Outbox, type OutboxItem } from './outbox';
import { ParleyError, connectionLost } from './parley-error';
import { Backoff } from './reconnect';
import { memoryStorage } from './storage';

const alice = 'alice' as UserId;
const c1 = 'c1' as ConversationId;
const item = (n: number): OutboxItem => ({ clientMessageId: `m${n}` as ClientMessageId, conversationId: c1, body: `hello ${n}`, title: null, createdAt: n });
const messageFor = (i: OutboxItem, seq: number): Message => ({
  id: `id-${i.clientMessageId}` as Message['id'],
  conversationId: i.conversationId,
  seq,
  senderId: alice,
  clientMessageId: i.clientMessageId,
  title: i.title,
  body: i.body,
  createdAt: 1,
  editedAt: null,
  deletedAt: null,
});

function setup(send: (i: OutboxItem) => Promise<ReplyData['send']>, storage = memoryStorage()) {
  const changes: (readonly OutboxItem[])[] = [];
  const outbox = new Outbox({ storage, key: 'k.outbox', send, onChange: (items) => changes.push(items), backoff: new Backoff({ minDelayMs: 0, maxDelayMs: 0 }) });
  outbox.load(alice);
  return { outbox, storage, changes };
}

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

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 1));
  expect(cond()).toBe(true);
}
