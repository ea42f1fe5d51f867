/**
 * The SDK against a real Parley server in this process (SQLite in memory, port 0),
 * with the `ws` package as the WebSocket. Skipped with a visible reason when the
 * server package cannot be loaded.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf, type AttachmentId, type ConversationEvent, type ConversationId, type Message } from '@parley/protocol';
import { ParleyClient } from './client';
import { memoryStorage, type KeyValueStorage } from './storage';
import { sabotageableWebSocket } from './test-support/sabotage-socket';

type ServerTesting = typeof import('../../server/src/testing');
type ServerUsers = typeof import('../../server/src/test-support/users');

// Loaded dynamically so the client's suite still runs (and says why this part skipped)
// while the server does not build.
const loaded = await Promise.all([import('../../server/src/testing'), import('../../server/src/test-support/users')]).then(
  ([testing, users]) => ({ testing: testing as ServerTesting, users: users as ServerUsers }),
  (err: unknown) => {
    console.warn(`client.integration.test: skipped, the server could not be loaded: ${String(err)}`);
    return null;
  },
);
const serverAvailable = loaded !== null;

/** Waits for a condition; generous because a loaded 2-core CI box can be slow, never part of what is asserted. */
async function until(cond: () => boolean, what: string, describeState: () => unknown = () => ''): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  if (!cond()) throw new Error(`timed out waiting for ${what} ${JSON.stringify(describeState())}`);
}

const messagesOf = (events: ConversationEvent[], cid: ConversationId) =>
  events.filter((e): e is Extract<ConversationEvent, { type: 'message.created' }> => e.type === 'message.created' && e.conversationId === cid).map((e) => e.message);

describe.skipIf(!serverAvailable)('ParleyClient against the real server', () => {
  let server: Awaited<ReturnType<ServerTesting['startTestServer']>>;
  let clock: ReturnType<ServerUsers['movableClock']>;
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    clock = loaded!.users.movableClock();
    server = await loaded!.testing.startTestServer({ clock: clock.now, config: { rateLimits: loaded!.users.testRateLimits(), accessTokenTtlSec: 60 } });
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await server?.close();
  });

  function newClient(storage: KeyValueStorage = memoryStorage()) {
    const ws = sabotageableWebSocket();
    const paths: string[] = [];
    const fetchSpy: typeof fetch = (input, init) => {
      paths.push(new URL(String(input)).pathname);
      return fetch(input, init);
    };
    const client = new ParleyClient({ baseUrl: server.url, WebSocket: ws.WebSocket, fetch: fetchSpy, storage, reconnect: { minDelayMs: 10, maxDelayMs: 50 } });
    clients.push(client);
    const events: ConversationEvent[] = [];
    client.on('event', (e) => events.push(e));
    return { client, events, ws, storage, paths };
  }

  async function pair() {
    const a = newClient();
    const b = newClient();
    const name = () => `c_${randomBytes(5).toString('hex')}`;
    await a.client.register({ username: name(), password: 'correct horse battery' });
    await b.client.register({ username: name(), password: 'correct horse battery' });
    const { conversation } = await a.client.request('createDirect', { body: { userId: b.client.user!.id } });
    await Promise.all([a.client.connect(), b.client.connect()]);
    return { a, b, cid: conversation.id };
  }

  it('two users talk both ways in real time', async () => {
    const { a, b, cid } = await pair();
    const m1 = await a.client.send(cid, { kind: 'text', content: { body: 'hi bob', title: 'greeting' } }).done;
    await until(() => messagesOf(b.events, cid).length === 1, 'bob receives');
    expect(messagesOf(b.events, cid)[0]).toMatchObject({ id: m1.id, content: { body: 'hi bob', title: 'greeting' } });
    await b.client.send(cid, { kind: 'text', content: { body: 'hi alice' } }).done;
    await until(() => messagesOf(a.events, cid).length === 2, 'alice receives');
    expect(messagesOf(a.events, cid).map((m) => textOf(m)?.body)).toEqual(['hi bob', 'hi alice']);
    expect(a.client.heldSeq(cid)).toBe(b.client.heldSeq(cid));
  });

  it('a send whose reply was lost is retried with the same clientMessageId after reconnecting: stored once, shown once', async () => {
    const { a, b, cid } = await pair();
    a.ws.loseNextSendReply();
    const { clientMessageId, done } = a.client.send(cid, { kind: 'text', content: { body: 'exactly once' } });
    const message: Message = await done;
    expect(message.clientMessageId).toBe(clientMessageId);
    expect(a.ws.sentMessageIds.filter((id) => id === clientMessageId)).toHaveLength(2);
    const history = await b.client.request('history', { params: { id: cid } });
    expect(history.messages.filter((m) => m.clientMessageId === clientMessageId)).toHaveLength(1);
    await until(() => messagesOf(b.events, cid).length >= 1 && messagesOf(a.events, cid).length >= 1, 'both see it');
    expect(messagesOf(a.events, cid).filter((m) => m.clientMessageId === clientMessageId)).toHaveLength(1);
    expect(messagesOf(b.events, cid).filter((m) => m.clientMessageId === clientMessageId)).toHaveLength(1);
    expect(a.client.outbox).toEqual([]);
  });

  /** Uploads through a signed URL the SDK mints (what the web app's XHR does). */
  async function upload(client: ParleyClient, name: string, text: string) {
    const { url } = await client.request('createUploadUrl');
    const res = await fetch(`${server.url}${url}&name=${encodeURIComponent(name)}`, { method: 'POST', body: text });
    expect(res.status).toBe(201);
    return ((await res.json()) as { attachment: { id: AttachmentId; name: string; size: number } }).attachment;
  }

  it('a send with an uploaded file, queued while offline, arrives once with its attachment when back online', async () => {
    const { a, b, cid } = await pair();
    const file = await upload(a.client, 'notes.txt', 'meeting notes\n'.repeat(20));

    a.ws.setOffline(true);
    await until(() => a.client.status === 'offline', 'alice offline');
    const { clientMessageId, done } = a.client.send(cid, { attachmentIds: [file.id], kind: 'text', content: { body: 'notes attached' } });
    expect(a.client.outbox).toMatchObject([{ clientMessageId, attachmentIds: [file.id] }]);
    // Reconnect attempts keep failing; nothing leaves while offline.
    await new Promise((r) => setTimeout(r, 200));
    expect(a.client.status).not.toBe('online');
    expect(a.ws.sentMessageIds).not.toContain(clientMessageId);

    a.ws.setOffline(false);
    const message = await done;
    expect(message).toMatchObject({ clientMessageId, attachments: [{ id: file.id, name: 'notes.txt', size: file.size, kind: 'file' }], content: { body: 'notes attached' } });
    expect(a.client.outbox).toEqual([]);

    const history = await b.client.request('history', { params: { id: cid } });
    const stored = history.messages.filter((m) => m.clientMessageId === clientMessageId);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.attachments?.map((x) => x.id)).toEqual([file.id]);
    await until(() => messagesOf(b.events, cid).some((m) => m.clientMessageId === clientMessageId), 'bob receives it');
    const seen = messagesOf(b.events, cid).filter((m) => m.clientMessageId === clientMessageId);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.attachments?.map((x) => x.id)).toEqual([file.id]);
    await until(() => messagesOf(a.events, cid).some((m) => m.clientMessageId === clientMessageId), 'alice sees it');
    expect(messagesOf(a.events, cid).filter((m) => m.clientMessageId === clientMessageId)).toHaveLength(1);
  });

  it('a send with a file whose reply was lost is retried as the same message; a refused attachment fails the send instead of retrying', async () => {
    const { a, b, cid } = await pair();
    const file = await upload(a.client, 'plan.txt', 'the plan');

    a.ws.loseNextSendReply();
    const first = a.client.send(cid, { attachmentIds: [file.id], kind: 'text', content: { body: 'the plan' } });
    const message = await first.done;
    // Sent twice with one id; the retry got the stored message back, the file was claimed once.
    expect(a.ws.sentMessageIds.filter((id) => id === first.clientMessageId)).toHaveLength(2);
    expect(message.attachments?.map((x) => x.id)).toEqual([file.id]);

    // The same upload again: already on a message, a refusal no retry can fix.
    const again = a.client.send(cid, { attachmentIds: [file.id], kind: 'text', content: { body: 'the plan, again' } });
    await expect(again.done).rejects.toMatchObject({ code: 'ATTACHMENT_INVALID', retryable: false });
    expect(a.ws.sentMessageIds.filter((id) => id === again.clientMessageId)).toHaveLength(1);
    expect(a.client.outbox).toEqual([]);

    const history = await b.client.request('history', { params: { id: cid } });
    expect(history.messages.map((m) => m.clientMessageId)).toEqual([first.clientMessageId]);
  });

  it('catches up after being away: missed messages arrive once, in order', async () => {
    const { a, b, cid } = await pair();
    a.client.disconnect();
    for (const body of ['one', 'two', 'three']) await b.client.send(cid, { kind: 'text', content: { body } }).done;
    await a.client.connect();
    const state = () => ({ status: a.client.status, held: a.client.heldSeq(cid), bodies: messagesOf(a.events, cid).map((m) => textOf(m)?.body), outboxB: b.client.outbox.length });
    await until(() => messagesOf(a.events, cid).length === 3, 'catch-up', state);
    expect(messagesOf(a.events, cid).map((m) => textOf(m)?.body)).toEqual(['one', 'two', 'three']);
    const seqs = a.events.filter((e) => e.conversationId === cid).map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);

    // A dead network (no close frame) while the other side keeps talking.
    a.ws.killAll();
    await b.client.send(cid, { kind: 'text', content: { body: 'four' } }).done;
    await until(() => messagesOf(a.events, cid).length === 4, 'catch-up after network loss', state);
    expect(textOf(messagesOf(a.events, cid).at(-1)!)?.body).toBe('four');
  });

  it('a restored session picks up where it was, and an expired access token is refreshed (REST and WebSocket)', async () => {
    const storage = memoryStorage();
    const first = newClient(storage);
    await first.client.register({ username: `c_${randomBytes(5).toString('hex')}`, password: 'correct horse battery' });
    first.client.disconnect();

    const again = newClient(storage);
    expect(again.client.restoreSession()).toBe(true);
    await again.client.connect();
    const statuses: string[] = [];
    again.client.on('status', (s) => statuses.push(s));

    clock.advance(61_000); // the access token is now expired for the server, not for the client's clock
    expect((await again.client.request('me')).user.id).toBe(again.client.user!.id);
    again.ws.killAll(); // the next hello carries the expired token → 4401 → refresh → reconnect
    await until(() => statuses.includes('offline') && again.client.status === 'online', 'back online');
    expect((await again.client.request('me')).user.id).toBe(again.client.user!.id);
    // One refresh served both the REST retry and the reconnect (a second would have revoked the family).
    expect(again.paths.filter((p) => p === '/api/auth/refresh')).toHaveLength(1);
  });
});
