/**
 * Catch-up (DESIGN.md invariant 4) over a raw socket: a client that was away asks for
 * what happened after the seqs it holds and receives exactly that — messages, edits,
 * deletes, membership and title changes in order, receipts that moved, its own other
 * devices' actions (user events) — and conversations it no longer belongs to flagged.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MessageId, UserId, ConversationId } from '@parley/protocol';
import type { TestNode } from '../testing';
import { describeEachBackend } from '../test-support/backends';
import type { Store } from '../store/port';
import { RawSocket } from '../test-support/ws-client';
import { registerUsers, testRateLimits, type TestUser } from '../test-support/users';

type Server = TestNode & { store: Store; close(): Promise<void> };
type SyncConv = { id: string; events: { seq: number; type: string; [k: string]: unknown }[]; receipts?: { userId: string; readSeq: number | null }[]; receiptsVersion: number; lastSeq: number; hasMore: boolean; removed: boolean };

describeEachBackend('sync', (backend) => {
  let server: Server;
  let a: TestUser, b: TestUser, c: TestUser;

  beforeAll(async () => {
    server = await backend.startServer({ config: { rateLimits: testRateLimits({ send: { limit: 100_000, windowMs: 60_000 } }) } });
    [a, b, c] = await registerUsers(server.url, 3, 'sync');
  });
  afterAll(() => server.close());

  const byId = (res: { conversations: SyncConv[] }, id: string) => res.conversations.find((x) => x.id === id);

  it("unknown: 'heads' gives a fresh client the heads and no events", async () => {
    const [p, q] = await registerUsers(server.url, 2, 'heads');
    const g = (await p.api.post('/api/conversations/group', { title: 'h', memberIds: [q.id] })).body.conversation.id;
    await p.api.post(`/api/conversations/${g}/messages`, { clientMessageId: 'h1', kind: 'text', content: { body: 'x' } });
    await q.api.post(`/api/conversations/${g}/read`, { seq: 5 });
    const sock = await RawSocket.connect(server.wsUrl, q.token);
    const res = await sock.ok('sync', { unknown: 'heads' });
    expect(res.conversations).toEqual([{ id: g, events: [], receiptsVersion: 1, lastSeq: 4, hasMore: false, removed: false, visibleFromSeq: 1 }]);
    expect(res.hasMore).toBe(false);
    await sock.close();
  });

  it('after a disconnect: exactly the missed events in order, receipts, my other device\'s user events, removals and new conversations', async () => {
    const g = (await a.api.post('/api/conversations/group', { title: 'Before', memberIds: [b.id] })).body.conversation.id as ConversationId;
    const h = (await a.api.post('/api/conversations/group', { title: 'Leaving', memberIds: [b.id] })).body.conversation.id as ConversationId;
    const pre = (await a.api.post(`/api/conversations/${g}/messages`, { clientMessageId: 's-pre', kind: 'text', content: { body: 'seen' } })).body.message;

    // B's device 1 is online, takes its baseline, then goes away.
    const b1 = await RawSocket.connect(server.wsUrl, b.token);
    const base = await b1.ok('sync', { unknown: 'heads' });
    const held = base.conversations.map((x: SyncConv) => ({ id: x.id, seq: x.lastSeq, receiptsVersion: x.receiptsVersion }));
    const heldUserSeq = base.userSeq as number;
    expect(byId(base, g)!.lastSeq).toBe(pre.seq);
    await b1.close();

    // While B is away.
    const sa = await RawSocket.connect(server.wsUrl, a.token);
    const m1 = (await sa.ok('send', { conversationId: g, clientMessageId: 's-m1', kind: 'text', content: { body: 'one' } })).message;
    const m2 = (await sa.ok('send', { conversationId: g, clientMessageId: 's-m2', kind: 'text', content: { body: 'two' } })).message;
    await a.api.patch(`/api/conversations/${g}/messages/${m1.id}`, { kind: 'text', content: { body: 'one (edited)' } });
    await a.api.delete(`/api/conversations/${g}/messages/${m2.id}?for=everyone`);
    await a.api.post(`/api/conversations/${g}/members`, { userIds: [c.id] });
    await a.api.patch(`/api/conversations/${g}`, { title: 'After' });
    await sa.ok('read', { conversationId: g, seq: 1_000 });
    await a.api.delete(`/api/conversations/${h}/members/${b.id}`);
    const fresh = (await a.api.post('/api/conversations/group', { title: 'New while away', memberIds: [b.id] })).body.conversation.id;
    // B's other device hides a message and archives the group.
    await b.api.delete(`/api/conversations/${g}/messages/${pre.id}?for=me`);
    await b.api.post(`/api/conversations/${g}/archive`);

    const b1again = await RawSocket.connect(server.wsUrl, b.token);
    const res = await b1again.ok('sync', { conversations: held, userSeq: heldUserSeq });
    expect(res.hasMore).toBe(false);

    const gs = byId(res, g)!;
    expect(gs.removed).toBe(false);
    expect(gs.events.map((e) => e.type)).toEqual(['message.created', 'message.created', 'message.edited', 'message.deleted', 'member.added', 'conversation.renamed']);
    expect(gs.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6].map((i) => pre.seq + i));
    expect(gs.lastSeq).toBe(pre.seq + 6);
    expect(gs.events[0]).toMatchObject({ message: { id: m1.id } });
    expect(gs.events[2]).toMatchObject({ messageId: m1.id, content: { body: 'one (edited)' } });
    expect(gs.events[3]).toMatchObject({ messageId: m2.id });
    expect(gs.events[4]).toMatchObject({ userId: c.id });
    expect(gs.events[5]).toMatchObject({ title: 'After' });
    expect(gs.receipts?.find((r) => r.userId === a.id)?.readSeq).toBe(pre.seq + 6);

    expect(byId(res, h)).toMatchObject({ removed: true, events: [] });
    const fs = byId(res, fresh)!;
    expect(fs.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(fs.events[0]!.type).toBe('conversation.created');

    expect(res.userEvents.map((e: { type: string }) => e.type)).toEqual(['message.hidden', 'conversation.archived']);
    expect(res.userEvents.map((e: { userSeq: number }) => e.userSeq)).toEqual([heldUserSeq + 1, heldUserSeq + 2]);
    expect(res.userEvents[0]).toMatchObject({ conversationId: g, messageId: pre.id });
    expect(res.userSeq).toBe(heldUserSeq + 2);

    // Syncing again from what I now hold returns nothing new.
    const nowHeld = res.conversations
      .filter((x: SyncConv) => !x.removed)
      .map((x: SyncConv) => ({ id: x.id, seq: x.lastSeq, receiptsVersion: x.receiptsVersion }));
    for (const x of held) if (x.id !== h && !nowHeld.some((y: { id: string }) => y.id === x.id)) nowHeld.push(x);
    const again = await b1again.ok('sync', { conversations: nowHeld, userSeq: res.userSeq });
    expect(again.conversations).toEqual([]);
    expect(again.userEvents).toEqual([]);

    // The same request over HTTP gives the same answer.
    const http = await b.api.post('/api/sync', { conversations: held, userSeq: heldUserSeq });
    expect(http.status).toBe(200);
    expect(http.body).toEqual(res);
    await Promise.all([sa.close(), b1again.close()]);
  });

  it('pages a long backlog with hasMore; following pages continue from the last seq without gaps', async () => {
    const [p, q] = await registerUsers(server.url, 2, 'page');
    const g = (await p.api.post('/api/conversations/group', { title: 'long', memberIds: [q.id] })).body.conversation.id;
    const sp = await RawSocket.connect(server.wsUrl, p.token);
    await Promise.all(Array.from({ length: 520 }, (_, i) => sp.ok('send', { conversationId: g, clientMessageId: `bulk-${i}`, kind: 'text', content: { body: `m${i}` } })));
    const sq = await RawSocket.connect(server.wsUrl, q.token);
    const seen: number[] = [];
    let seq = 0;
    let pages = 0;
    for (;;) {
      const res = await sq.ok('sync', { conversations: [{ id: g, seq }] });
      const conv = byId(res, g);
      if (!conv) break;
      seen.push(...conv.events.map((e) => e.seq));
      expect(conv.events.length).toBeLessThanOrEqual(500);
      pages++;
      if (!conv.hasMore) break;
      expect(res.hasMore).toBe(true);
      seq = conv.events.at(-1)!.seq;
    }
    expect(pages).toBe(2);
    expect(seen).toEqual(Array.from({ length: 523 }, (_, i) => i + 1));
    await Promise.all([sp.close(), sq.close()]);
  });

  it('pages a long backlog of user events; the next page starts after the last one returned', async () => {
    const [p, q] = await registerUsers(server.url, 2, 'upage');
    const g = (await p.api.post('/api/conversations/group', { title: 'hide', memberIds: [q.id] })).body.conversation.id as ConversationId;
    const m = (await p.api.post(`/api/conversations/${g}/messages`, { clientMessageId: 'uh', kind: 'text', content: { body: 'x' } })).body.message;
    // Setup through the port for speed: 510 archive/unarchive user events.
    for (let i = 0; i < 510; i++) await server.store.setArchived({ conversationId: g, userId: q.id as UserId, archived: i % 2 === 0, at: Date.now() });
    await q.api.delete(`/api/conversations/${g}/messages/${m.id as MessageId}?for=me`);
    const first = (await q.api.post('/api/sync', { conversations: [{ id: g, seq: 100 }] })).body;
    expect(first.userEvents).toHaveLength(500);
    expect(first.hasMore).toBe(true);
    const last = first.userEvents.at(-1).userSeq;
    const second = (await q.api.post('/api/sync', { conversations: [{ id: g, seq: 100 }], userSeq: last })).body;
    expect(second.userEvents.map((e: { userSeq: number }) => e.userSeq)).toEqual(Array.from({ length: 11 }, (_, i) => last + 1 + i));
    expect(second.userEvents.at(-1).type).toBe('message.hidden');
    expect(second.hasMore).toBe(false);
  });

  it('a user added to a group while away gets all its events (unknown: events) and a removed one only the removal flag', async () => {
    const [p, q] = await registerUsers(server.url, 2, 'join');
    // In a group that shows new members its history: every event from the start.
    const g = (await p.api.post('/api/conversations/group', { title: 'g', historyVisibility: 'all' })).body.conversation.id;
    await p.api.post(`/api/conversations/${g}/messages`, { clientMessageId: 'j1', kind: 'text', content: { body: 'before q joined' } });
    await p.api.post(`/api/conversations/${g}/members`, { userIds: [q.id] });
    // By default ('joined'): from q's own join on.
    const h = (await p.api.post('/api/conversations/group', { title: 'h' })).body.conversation.id;
    await p.api.post(`/api/conversations/${h}/messages`, { clientMessageId: 'j2', kind: 'text', content: { body: 'before q joined' } });
    await p.api.post(`/api/conversations/${h}/members`, { userIds: [q.id] });
    const sq = await RawSocket.connect(server.wsUrl, q.token);
    const res = await sq.ok('sync', {});
    expect(byId(res, g)!.events.map((e) => e.type)).toEqual(['conversation.created', 'member.added', 'message.created', 'member.added']);
    expect(byId(res, g)).toMatchObject({ visibleFromSeq: 1 });
    expect(byId(res, h)!.events.map((e) => [e.seq, e.type])).toEqual([[4, 'member.added']]);
    expect(byId(res, h)).toMatchObject({ visibleFromSeq: 4, lastSeq: 4 });
    await sq.close();
  });

  it('rejects malformed sync requests with BAD_REQUEST', async () => {
    const sock = await RawSocket.connect(server.wsUrl, a.token);
    for (const data of [{ conversations: [{ id: '../x', seq: 0 }] }, { conversations: [{ id: 'x', seq: -1 }] }, { unknown: 'all' }, { userSeq: 'x' }, { extra: true }]) {
      const res = await sock.request('sync', data);
      expect({ ok: res.ok, code: res.error?.code }).toEqual({ ok: false, code: 'BAD_REQUEST' });
    }
    await sock.close();
  });
});
