/**
 * The client's lifecycle against an in-memory fake server (no network): first-connect
 * baseline, live pushes, gap recovery, reconnect catch-up, outbox retries with the same
 * id, close codes and the heartbeat. The real server is covered by client.integration.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConversationEvent } from '@parley/protocol';
import { ParleyClient, type ClientStatus } from './client';
import { memoryStorage } from './storage';
import { FakeHub } from './test-support/fake-server';

const clients: ParleyClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect();
});

function clientFor(
  hub: FakeHub,
  username: string,
  opts: { autoDelivered?: boolean; refreshInMs?: number; expiresInMs?: number; reconnect?: { minDelayMs: number; maxDelayMs: number } } = {},
) {
  const { refreshInMs = 840_000, expiresInMs = 900_000, ...clientOpts } = opts;
  const session = hub.users.has(username) ? hub.issue(hub.users.get(username)!.id) : hub.addUser(username);
  const storage = memoryStorage();
  const now = Date.now();
  storage.setItem(
    'parley.session',
    JSON.stringify({ accessToken: session.accessToken, refreshToken: session.refreshToken, accessExpiresAt: now + expiresInMs, refreshAt: now + refreshInMs, user: session.user }),
  );
  const client = new ParleyClient({ baseUrl: 'https://fake', WebSocket: hub.WebSocket, fetch: hub.fetch, storage, reconnect: { minDelayMs: 1, maxDelayMs: 5 }, ...clientOpts });
  expect(client.restoreSession()).toBe(true);
  clients.push(client);
  const events: ConversationEvent[] = [];
  const statuses: ClientStatus[] = [];
  client.on('event', (e) => events.push(e));
  client.on('status', (s) => statuses.push(s));
  return { client, events, statuses, user: session.user.id, storage };
}

async function until(cond: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 2));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

const seqs = (events: ConversationEvent[]) => events.map((e) => e.seq);

describe('ParleyClient (fake server)', () => {
  it('first connect sets a baseline from heads without downloading history, then shows live events', async () => {
    const hub = new FakeHub();
    const a = clientFor(hub, 'alice');
    const bob = hub.addUser('bob').user.id;
    const cid = hub.createConversation('c1', [a.user, bob]);
    hub.post(cid, bob, 'old');

    await a.client.connect();
    expect(a.client.status).toBe('online');
    expect(hub.syncRequests[0]).toMatchObject({ unknown: 'heads', conversations: [] });
    expect(a.client.heldSeq(cid)).toBe(2);
    expect(a.events).toEqual([]);

    hub.post(cid, bob, 'new');
    await until(() => a.events.length === 1);
    expect(a.events[0]).toMatchObject({ type: 'message.created', seq: 3 });
  });

  it('a dropped push is detected at the next one and filled by a sync: every event once, in order', async () => {
    const hub = new FakeHub();
    const a = clientFor(hub, 'alice');
    const bob = hub.addUser('bob').user.id;
    const cid = hub.createConversation('c1', [a.user, bob]);
    await a.client.connect();

    hub.dropPushes = true;
    hub.post(cid, bob, 'lost 1');
    hub.post(cid, bob, 'lost 2');
    hub.dropPushes = false;
    hub.post(cid, bob, 'seen');
    await until(() => a.events.length === 3, 'gap fill');
    expect(seqs(a.events)).toEqual([2, 3, 4]);
    expect(hub.syncRequests.at(-1)).toMatchObject({ unknown: 'events', conversations: [{ id: cid, seq: 1 }] });
  });

  it('pushes that arrive out of order are released in order, without a sync when the gap fills by itself', async () => {
    const hub = new FakeHub();
    const a = clientFor(hub, 'alice');
    const bob = hub.addUser('bob').user.id;
    const cid = hub.createConversation('c1', [a.user, bob]);
    await a.client.connect();
    const syncsBefore = hub.syncRequests.length;

    hub.holdPushes = true;
    hub.post(cid, bob, 'first');
    hub.post(cid, bob, 'second');
    hub.releaseHeldNewestFirst();
    await until(() => a.events.length === 2, 'both released');
    expect(seqs(a.events)).toEqual([2, 3]);
    // Past the debounce: the gap had filled, so no sync was sent for it.
    await new Promise((r) => setTimeout(r, 120));
    expect(hub.syncRequests.length).toBe(syncsBefore);
  });

  it('a conversation first seen in a push is synced from its start', async () => {
    const hub = new FakeHub();
    const a = clientFor(hub, 'alice');
    const bob = hub.addUser('bob').user.id;
    await a.client.connect();
    hub.dropPushes = true;
    const cid = hub.createConversation('c2', [bob, a.user]);
    hub.dropPushes = false;
    hub.post(cid, bob, 'hi');
    await until(() => a.events.length === 2);
    expect(seqs(a.events)).toEqual([1, 2]);
  });

  it('after a connection loss it reconnects and catches up on what it missed, with no duplicates', async () => {
    const hub = new FakeHub();
    const a = clientFor(hub, 'alice');
    const bob = hub.addUser('bob').user.id;
    const cid = hub.createConversation('c1', [a.user, bob]);
    await a.client.connect();

    hub.drop(a.user, 1006);
    await until(() => a.client.status !== 'online', 'offline');
    hub.post(cid, bob, 'while away 1');
    hub.post(cid, bob, 'while away 2');
    await until(() => a.events.length === 2, 'catch-up');
    await until(() => a.client.status === 'online');
    expect(seqs(a.events)).toEqual([2, 3]);
    expect(hub.syncRequests.at(-1)).toMatchObject({ unknown: 'events', conversations: [{ id: cid, seq: 1 }] });
    expect(a.statuses).toContain('offline');
  });

  it('outbox: a send whose reply was lost is retried with the same clientMessageId and stored once', async () => {
    const hub = new FakeHub();
    const a = clientFor(hub, 'alice', { autoDelivered: false });
    const bob = hub.addUser('bob').user.id;
    const cid = hub.createConversation('c1', [a.user, bob]);
    const outboxSizes: number[] = [];
    a.client.on('outbox', (items) => outboxSizes.push(items.length));

    const { clientMessageId, done } = a.client.send(cid, { kind: 'text', content: { body: 'hello' } }); // offline: queued
    expect(a.client.outbox.map((i) => i.clientMessageId)).toEqual([clientMessageId]);
    hub.loseNextSendReply = true;
    await a.client.connect();
    const message = await done;

    expect(message.clientMessageId).toBe(clientMessageId);
    expect(hub.sendAttempts).toEqual([clientMessageId, clientMessageId]);
    expect(hub.conversations.get(cid)!.events.filter((e) => e.type === 'message.created')).toHaveLength(1);
    await until(() => a.events.length === 1);
    expect(a.events[0]).toMatchObject({ type: 'message.created', seq: 2 });
    expect(a.client.outbox).toEqual([]);
    expect(outboxSizes.at(-1)).toBe(0);
  });

  it('4401 at hello: refreshes the access token once and reconnects', async () => {
    const hub = new FakeHub();
    const a = clientFor(hub, 'alice');
    hub.revokeAccessTokens();
    await a.client.connect();
    expect(hub.refreshCount).toBe(1);
    expect(a.client.status).toBe('online');
  });

  it('a token refreshed because REST said 401 renews the open socket with `auth`; no reconnect', async () => {
    const hub = new FakeHub();
    const a = clientFor(hub, 'alice');
    await a.client.connect();
    const socket = [...hub.sockets][0]!;
    hub.revokeAccessTokens();
    await a.client.request('me');
    expect(hub.refreshCount).toBe(1);
    const fresh = (JSON.parse(a.storage.getItem('parley.session')!) as { accessToken: string }).accessToken;
    await until(() => hub.authTokens.length === 1, 'auth frame');
    expect(hub.authTokens).toEqual([fresh]);
    expect([...hub.sockets]).toEqual([socket]);
    expect(a.statuses).not.toContain('offline');
  });

  it('refreshes by itself shortly before expiry while connected, and renews the socket with the new token', async () => {
    const hub = new FakeHub();
    const a = clientFor(hub, 'alice', { refreshInMs: 300 });
    await a.client.connect();
    expect(hub.refreshCount).toBe(0);
    const socket = [...hub.sockets][0]!;
    // No request from the app: the client's own timer refreshes (fake tokens then last 900 s).
    await until(() => hub.authTokens.length === 1, 'scheduled refresh and auth frame');
    expect(hub.refreshCount).toBe(1);
    expect(hub.authTokens).toEqual([(JSON.parse(a.storage.getItem('parley.session')!) as { accessToken: string }).accessToken]);
    expect([...hub.sockets]).toEqual([socket]);
    expect(a.statuses).not.toContain('offline');
  });

  it('a scheduled refresh that fails transiently is retried with back-off until the token expires, then left to the 4401 fallback', async () => {
    // Fake timers: on a loaded machine real ones let the token expire before a third try.
    vi.useFakeTimers();
    try {
      const hub = new FakeHub();
      hub.refreshUnavailable = true;
      const a = clientFor(hub, 'alice', { refreshInMs: 300, expiresInMs: 500 });
      const connected = a.client.connect();
      await vi.advanceTimersByTimeAsync(10);
      await connected;
      await vi.advanceTimersByTimeAsync(490);
      expect(hub.refreshCount).toBeGreaterThanOrEqual(3);
      // Past expiry: no more retries (the fake server never closes, so nothing else refreshes).
      const atExpiry = hub.refreshCount;
      await vi.advanceTimersByTimeAsync(5_000);
      expect(hub.refreshCount).toBe(atExpiry);
      expect(a.client.status).toBe('online');
    } finally {
      vi.useRealTimers();
    }
  });

  it.each(['FORBIDDEN', 'UNAUTHENTICATED'] as const)('a socket renewal refused with %s is not sent again', async (code) => {
    const hub = new FakeHub();
    hub.refuseAuth = code;
    const a = clientFor(hub, 'alice', { refreshInMs: 300 });
    await a.client.connect();
    await until(() => hub.authTokens.length === 1, 'auth frame');
    // Retries back off 1-5 ms here: this would have been dozens of them.
    await new Promise((r) => setTimeout(r, 100));
    expect(hub.authTokens).toHaveLength(1);
    expect(hub.refreshCount).toBe(1);
  });

  it('disconnect() leaves no timer behind, not even a planned renewal retry', async () => {
    vi.useFakeTimers();
    try {
      const hub = new FakeHub();
      hub.refuseAuth = 'UNAVAILABLE';
      const a = clientFor(hub, 'alice', { refreshInMs: 300, reconnect: { minDelayMs: 1000, maxDelayMs: 5000 } });
      const connected = a.client.connect();
      await vi.advanceTimersByTimeAsync(10);
      await connected;
      await vi.advanceTimersByTimeAsync(400);
      expect(hub.refreshCount).toBe(1);
      expect(hub.authTokens).toHaveLength(1);
      // Sent again after the back-off (1 s here); the next retry is now planned.
      await vi.advanceTimersByTimeAsync(1000);
      expect(hub.authTokens).toHaveLength(2);
      expect(new Set(hub.authTokens).size).toBe(1);
      a.client.disconnect();
      await vi.advanceTimersByTimeAsync(10);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('4403: the session is over — stop, clear it, emit sessionEnded', async () => {
    const hub = new FakeHub();
    const a = clientFor(hub, 'alice');
    await a.client.connect();
    const ended: string[] = [];
    a.client.on('sessionEnded', (r) => ended.push(r));
    hub.drop(a.user, 4403);
    await until(() => ended.length === 1);
    expect(ended).toEqual(['revoked']);
    expect(a.client.status).toBe('stopped');
    expect(a.client.user).toBeNull();
    expect(a.storage.getItem('parley.session')).toBeNull();
  });

  it('4406 before the first welcome: connect rejects and the client stops', async () => {
    const hub = new FakeHub();
    const a = clientFor(hub, 'alice');
    hub.rejectNextHello = 4406;
    await expect(a.client.connect()).rejects.toMatchObject({ code: 'PROTOCOL_VERSION_UNSUPPORTED' });
    expect(a.client.status).toBe('stopped');
  });

  it('a server that stops answering pings is declared dead and replaced', async () => {
    const hub = new FakeHub();
    hub.heartbeatMs = 10;
    const a = clientFor(hub, 'alice');
    await a.client.connect();
    const before = hub.syncRequests.length;
    hub.ignorePings = true;
    await until(() => a.statuses.includes('offline'), 'dead connection detected');
    hub.ignorePings = false;
    hub.heartbeatMs = 25_000;
    await until(() => a.client.status === 'online' && hub.syncRequests.length > before, 'reconnected');
  });

  it('acknowledges received messages as delivered, and not its own', async () => {
    const hub = new FakeHub();
    const a = clientFor(hub, 'alice');
    const bob = hub.addUser('bob').user.id;
    const cid = hub.createConversation('c1', [a.user, bob]);
    const delivered: number[] = [];
    const onFrame = hub.onFrame.bind(hub);
    hub.onFrame = (socket, frame) => {
      if (frame.op === 'delivered') delivered.push((frame.data as { seq: number }).seq);
      onFrame(socket, frame);
    };
    await a.client.connect();
    await a.client.send(cid, { kind: 'text', content: { body: 'mine' } }).done;
    hub.post(cid, bob, 'theirs');
    await until(() => delivered.length > 0, 'delivered');
    expect(delivered).toEqual([3]);
  });

  it('disconnect stops reconnecting', async () => {
    const hub = new FakeHub();
    const a = clientFor(hub, 'alice');
    await a.client.connect();
    a.client.disconnect();
    expect(a.client.status).toBe('stopped');
    await new Promise((r) => setTimeout(r, 20));
    expect(hub.sockets.size).toBe(0);
    expect(a.client.status).toBe('stopped');
  });
});

