/**
 * The SDK across access-token expiry, against a real Parley server in this process
 * (SQLite in memory, port 0, the `ws` package as the WebSocket). The server closes a
 * socket with 4401 once the access token it said hello with has expired (the gateway's
 * sweep, shortened here to 50 ms; tokens live 2 s on the real clock). The SDK must take
 * that in its stride: refresh, reconnect, catch up, and lose or repeat nothing.
 * Skipped with a visible reason when the server package cannot be loaded.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE, type ConversationEvent, type ConversationId } from '@parley/protocol';
import { ParleyClient } from './client';
import type { WebSocketCtor } from './connection';
import { memoryStorage } from './storage';

type ServerTesting = typeof import('../../server/src/testing');
type ServerUsers = typeof import('../../server/src/test-support/users');

// Loaded dynamically so the client's suite still runs (and says why this part skipped)
// while the server does not build.
const loaded = await Promise.all([import('../../server/src/testing'), import('../../server/src/test-support/users')]).then(
  ([testing, users]) => ({ testing: testing as ServerTesting, users: users as ServerUsers }),
  (err: unknown) => {
    console.warn(`token-expiry.integration.test: skipped, the server could not be loaded: ${String(err)}`);
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

describe.skipIf(!serverAvailable)('ParleyClient across access-token expiry (2 s tokens)', () => {
  let server: Awaited<ReturnType<ServerTesting['startTestServer']>>;
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    server = await loaded!.testing.startTestServer({ config: { rateLimits: loaded!.users.testRateLimits(), accessTokenTtlSec: 2, gatewayTickMs: 50 } });
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await server?.close();
  });

  /** A `ws` WebSocket that records the close code of every socket it made. */
  function recordingWebSocket() {
    const closes: number[] = [];
    let opened = 0;
    class Recording extends WebSocket {
      constructor(url: string) {
        super(url);
        opened++;
        this.on('close', (code: number) => closes.push(code));
      }
    }
    return { WebSocket: Recording as WebSocketCtor, closes, opened: () => opened };
  }

  function newClient() {
    const ws = recordingWebSocket();
    const paths: string[] = [];
    const fetchSpy: typeof fetch = (input, init) => {
      paths.push(new URL(String(input)).pathname);
      return fetch(input, init);
    };
    const client = new ParleyClient({ baseUrl: server.url, WebSocket: ws.WebSocket, fetch: fetchSpy, storage: memoryStorage(), reconnect: { minDelayMs: 10, maxDelayMs: 50 } });
    clients.push(client);
    const events: ConversationEvent[] = [];
    const statuses: string[] = [];
    client.on('event', (e) => events.push(e));
    client.on('status', (s) => statuses.push(s));
    return { client, events, statuses, ws, paths };
  }

  it('closed with 4401 at expiry, the SDK refreshes, reconnects and catches up; a later message arrives exactly once', async () => {
    const a = newClient();
    const b = newClient();
    const name = () => `c_${randomBytes(5).toString('hex')}`;
    await a.client.register({ username: name(), password: 'correct horse battery' });
    await b.client.register({ username: name(), password: 'correct horse battery' });
    const { conversation } = await a.client.request('createDirect', { body: { userId: b.client.user!.id } });
    const cid = conversation.id;
    await Promise.all([a.client.connect(), b.client.connect()]);
    const welcomedSockets = a.ws.opened();

    // The live socket is closed by the server with 4401 (no network trouble, no client
    // close), and the SDK is back online on a new socket with a refreshed token.
    const state = () => ({ status: a.client.status, closes: a.ws.closes, opened: a.ws.opened(), statuses: a.statuses });
    await until(() => a.ws.closes.includes(CLOSE.UNAUTHENTICATED) && a.ws.opened() > welcomedSockets && a.client.status === 'online', 'expiry, refresh and reconnect', state);
    expect(a.ws.closes[0]).toBe(CLOSE.UNAUTHENTICATED);
    expect(a.statuses).toContain('offline');
    expect(a.statuses).not.toContain('stopped');
    expect(a.paths).toContain('/api/auth/refresh');

    const after = await b.client.send(cid, { body: 'after expiry' }).done;
    await until(() => messagesOf(a.events, cid).some((m) => m.id === after.id), 'the message after expiry', state);
    // A second message as a barrier: a duplicate of the first (push and catch-up both
    // delivering it) would have been emitted before this one.
    const barrier = await b.client.send(cid, { body: 'barrier' }).done;
    await until(() => messagesOf(a.events, cid).some((m) => m.id === barrier.id), 'the barrier message', state);
    expect(messagesOf(a.events, cid).filter((m) => m.id === after.id)).toHaveLength(1);
    const seqs = a.events.filter((e) => e.conversationId === cid).map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(a.client.status).not.toBe('stopped');
  });
});
