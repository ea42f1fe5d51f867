/**
 * Offline-first against a real Parley server (SQLite in memory, port 0): a client that
 * restarts from its IndexedDB cache (fake-indexeddb in Node) catches up exactly what it
 * missed since the saved copy; a send with a file picked offline survives a restart and
 * arrives once, with its attachment; the session's end clears the cache.
 */
import 'fake-indexeddb/auto';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf, type ConversationEvent, type ConversationId, type Message, type SyncRequest, type UserId } from '@parley/protocol';
import { indexedDbCacheStore } from './cache/indexeddb';
import type { CacheStore } from './cache/cache-store';
import { ParleyClient } from './client';
import { memoryStorage, type KeyValueStorage } from './storage';
import { sabotageableWebSocket } from './test-support/sabotage-socket';

type ServerTesting = typeof import('../../server/src/testing');
const testing = await import('../../server/src/testing').then(
  (m) => m as ServerTesting,
  (err: unknown) => {
    console.warn(`offline.integration.test: skipped, the server could not be loaded: ${String(err)}`);
    return null;
  },
);
const users = testing ? await import('../../server/src/test-support/users') : null;

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const created = (events: ConversationEvent[], cid: ConversationId): Message[] =>
  events.filter((e): e is Extract<ConversationEvent, { type: 'message.created' }> => e.type === 'message.created' && e.conversationId === cid).map((e) => e.message);

describe.skipIf(!testing)('offline-first SDK against the real server', () => {
  let server: Awaited<ReturnType<ServerTesting['startTestServer']>>;
  const clients: ParleyClient[] = [];
  let dbs = 0;

  beforeAll(async () => {
    server = await testing!.startTestServer({ config: { rateLimits: users!.testRateLimits() } });
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await server?.close();
  });

  /** A client as a browser tab has it: a storage and a cache that outlive it (a reload makes a new client over both). */
  function tab(storage: KeyValueStorage, cache: CacheStore) {
    const ws = sabotageableWebSocket();
    let offline = false;
    const syncs: SyncRequest[] = [];
    const WebSocketCtor = class extends ws.WebSocket {
      constructor(url: string) {
        super(url);
        const send = this.send.bind(this);
        this.send = (data: string) => {
          const frame = JSON.parse(data) as { op?: string; data?: SyncRequest };
          if (frame.op === 'sync') syncs.push(frame.data!);
          send(data);
        };
      }
    };
    const client = new ParleyClient({
      baseUrl: server.url,
      WebSocket: WebSocketCtor,
      // Offline means REST too: uploads must wait for the network like the socket.
      fetch: (input, init) => (offline ? Promise.reject(new TypeError('network down')) : fetch(input, init)),
      storage,
      cache,
      reconnect: { minDelayMs: 10, maxDelayMs: 50 },
    });
    clients.push(client);
    const events: ConversationEvent[] = [];
    client.on('event', (e) => events.push(e));
    const setOffline = (value: boolean) => {
      offline = value;
      ws.setOffline(value);
    };
    return { client, events, syncs, setOffline };
  }

  async function twoUsers() {
    const storage = memoryStorage();
    const cache = indexedDbCacheStore({ name: `parley-offline-it-${++dbs}` });
    const a = tab(storage, cache);
    const b = tab(memoryStorage(), indexedDbCacheStore({ name: `parley-offline-it-${++dbs}` }));
    await a.client.register({ username: `o_${randomBytes(5).toString('hex')}`, password: 'correct horse battery' });
    await b.client.register({ username: `o_${randomBytes(5).toString('hex')}`, password: 'correct horse battery' });
    const { conversation } = await a.client.request('createDirect', { body: { userId: b.client.user!.id } });
    await Promise.all([a.client.connect(), b.client.connect()]);
    return { a, b, cid: conversation.id, storage, cache };
  }

  it('a restarted client shows its saved copy, then catch-up delivers exactly the events after it', async () => {
    const { a, b, cid, storage, cache } = await twoUsers();
    await b.client.send(cid, { kind: 'text', content: { body: 'one' } }).done;
    await until(() => created(a.events, cid).length === 1, 'alice has one');
    // What an app does: save what it shows.
    const { conversation } = await a.client.request('getConversation', { params: { id: cid } });
    await a.client.cache.save([{ conversation, messages: created(a.events, cid) }]);
    const savedSeq = a.client.heldSeq(cid);
    a.client.disconnect();

    for (const body of ['two', 'three']) await b.client.send(cid, { kind: 'text', content: { body } }).done;

    const again = tab(storage, cache);
    expect(again.client.restoreSession()).toBe(true);
    // With no network: the saved copy.
    expect((await again.client.cache.conversations()).map((c) => c.id)).toEqual([cid]);
    expect((await again.client.cache.recentMessages(cid)).map((m) => textOf(m)?.body)).toEqual(['one']);

    await again.client.connect();
    await until(() => created(again.events, cid).length === 2, 'catch-up');
    expect(again.syncs[0]).toMatchObject({ unknown: 'heads', conversations: [{ id: cid, seq: savedSeq }] });
    expect(created(again.events, cid).map((m) => textOf(m)?.body)).toEqual(['two', 'three']);
    const seqs = again.events.filter((e) => e.conversationId === cid).map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => savedSeq + 1 + i));
  });

  it('a send with a file picked offline survives a restart and arrives once, with its attachment', async () => {
    const { a, b, cid, storage, cache } = await twoUsers();
    a.setOffline(true);
    await until(() => a.client.status === 'offline', 'alice offline');
    const { clientMessageId } = a.client.send(cid, { files: [{ name: 'train.png', data: new Blob([PNG], { type: 'image/png' }) }], kind: 'text', content: { body: 'photo from the train' } });
    expect(a.client.outbox).toMatchObject([{ clientMessageId, files: [{ name: 'train.png', type: 'image/png', size: PNG.length }] }]);
    const fileId = a.client.outbox[0]!.files![0]!.id;
    await until(async () => (await a.client.cache.getFile(fileId)) !== null, 'the bytes are kept');
    a.client.disconnect(); // the tab is closed while offline

    const again = tab(storage, cache);
    expect(again.client.restoreSession()).toBe(true);
    expect(again.client.outbox).toMatchObject([{ clientMessageId, files: [{ id: fileId }] }]);
    await again.client.connect();
    await until(() => again.client.outbox.length === 0, 'sent');
    expect(await again.client.cache.getFile(fileId)).toBeNull();

    const history = await b.client.request('history', { params: { id: cid } });
    const stored = history.messages.filter((m) => m.clientMessageId === clientMessageId);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.attachments).toMatchObject([{ name: 'train.png', kind: 'image', contentType: 'image/png' }]);
    await until(() => created(b.events, cid).some((m) => m.clientMessageId === clientMessageId), 'bob receives it');
    expect(created(b.events, cid).filter((m) => m.clientMessageId === clientMessageId)).toHaveLength(1);
  });

  it('logging out clears the cache of that user: saved conversations and queued files', async () => {
    const { a, cid, cache } = await twoUsers();
    const userId = a.client.user!.id as UserId;
    const { conversation } = await a.client.request('getConversation', { params: { id: cid } });
    await a.client.cache.save([{ conversation }]);
    a.setOffline(true);
    a.client.send(cid, { files: [{ name: 'x.txt', data: new Blob(['x']) }], kind: 'text', content: { body: 'never sent' } });
    const fileId = a.client.outbox[0]!.files![0]!.id;
    await until(async () => (await cache.getFile(userId, fileId)) !== null, 'the bytes are kept');
    expect((await cache.load(userId)).conversations).toHaveLength(1);

    await a.client.logout(); // offline: the server is not told, the local session ends all the same
    await until(async () => (await cache.load(userId)).conversations.length === 0, 'cleared');
    expect(await cache.getFile(userId, fileId)).toBeNull();
    expect(await a.client.cache.conversations()).toEqual([]);
  });
});
