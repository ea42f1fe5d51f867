/**
 * The SDK against a real Parley server in this process (SQLite in memory, port 0),
 * with the `ws` package as the WebSocket. Skipped with a visible reason when the
 * server package cannot be loaded.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ConversationEvent, ConversationId, Message } from '@parley/protocol';
import { ParleyClient } from './client';
import type { WebSocketCtor } from './connection';
import { memoryStorage, type KeyValueStorage } from './storage';

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

/**
 * A `ws` WebSocket the test can sabotage: `killAll()` drops every live socket like a
 * dead network (1006), and `loseNextSendReply()` lets the next send reach the server
 * but kills the socket instead of delivering the reply.
 */
function sabotageableWebSocket() {
  const live = new Set<WebSocket>();
  const sentMessageIds: string[] = [];
  let loseSendReply = false;
  class Sabotage extends WebSocket {
    private readonly sendIds = new Set<number>();
    constructor(url: string) {
      super(url);
      live.add(this);
      this.on('close', () => live.delete(this));
    }
    override send(data: string): void {
      const frame = JSON.parse(data) as { type: string; op?: string; id?: number; data?: { clientMessageId?: string } };
      if (frame.op === 'send') sentMessageIds.push(frame.data?.clientMessageId ?? '');
      if (frame.type === 'req' && frame.op === 'send' && loseSendReply && frame.id !== undefined) {
        loseSendReply = false;
        this.sendIds.add(frame.id);
      }
      super.send(data);
    }
    // Every inbound frame passes through emit('message', data, isBinary) in `ws`.
    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'message') {
        const frame = JSON.parse(String(args[0])) as { type: string; id?: number };
        if (frame.type === 'res' && frame.id !== undefined && this.sendIds.has(frame.id)) {
          this.terminate(); // the message is stored; its reply never arrives
          return true;
        }
      }
      return super.emit(event, ...args);
    }
  }
  return {
    WebSocket: Sabotage as WebSocketCtor,
    sentMessageIds,
    killAll: () => live.forEach((s) => s.terminate()),
    loseNextSendReply: () => {
      loseSendReply = true;
    },
  };
}

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
    const m1 = await a.client.send(cid, { body: 'hi bob', title: 'greeting' }).done;
    await until(() => messagesOf(b.events, cid).length === 1, 'bob receives');
    expect(messagesOf(b.events, cid)[0]).toMatchObject({ id: m1.id, body: 'hi bob', title: 'greeting' });
    await b.client.send(cid, { body: 'hi alice' }).done;
    await until(() => messagesOf(a.events, cid).length === 2, 'alice receives');
    expect(messagesOf(a.events, cid).map((m) => m.body)).toEqual(['hi bob', 'hi alice']);
    expect(a.client.heldSeq(cid)).toBe(b.client.heldSeq(cid));
  });

  it('a send whose reply was lost is retried with the same clientMessageId after reconnecting: stored once, shown once', async () => {
    const { a, b, cid } = await pair();
    a.ws.loseNextSendReply();
    const { clientMessageId, done } = a.client.send(cid, { body: 'exactly once' });
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

  it('catches up after being away: missed messages arrive once, in order', async () => {
    const { a, b, cid } = await pair();
    a.client.disconnect();
    for (const body of ['one', 'two', 'three']) await b.client.send(cid, { body }).done;
    await a.client.connect();
    const state = () => ({ status: a.client.status, held: a.client.heldSeq(cid), bodies: messagesOf(a.events, cid).map((m) => m.body), outboxB: b.client.outbox.length });
    await until(() => messagesOf(a.events, cid).length === 3, 'catch-up', state);
    expect(messagesOf(a.events, cid).map((m) => m.body)).toEqual(['one', 'two', 'three']);
    const seqs = a.events.filter((e) => e.conversationId === cid).map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);

    // A dead network (no close frame) while the other side keeps talking.
    a.ws.killAll();
    await b.client.send(cid, { body: 'four' }).done;
    await until(() => messagesOf(a.events, cid).length === 4, 'catch-up after network loss', state);
    expect(messagesOf(a.events, cid).at(-1)?.body).toBe('four');
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
