/**
 * Several nodes sharing one store and one in-process bus, the way production nodes
 * share PostgreSQL and Redis: any node serves any client, and what happens on one
 * node reaches clients on the others.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE, type ConversationId, type UserId } from '@parley/protocol';
import { startTestCluster, type TestNode } from '../testing';
import { describeEachBackend } from '../test-support/backends';
import { Api, call } from '../test-support/http-client';
import { RawSocket } from '../test-support/ws-client';
import { movableClock, registerUsers, testRateLimits, type TestUser } from '../test-support/users';
import { NOT_REVOKED_TTL_MS } from '../domain/auth/session-revocations';

describeEachBackend('two nodes', (backend) => {
  let cluster: { nodes: TestNode[]; close(): Promise<void> };
  let n1: TestNode, n2: TestNode;
  let a: TestUser, b: TestUser, c: TestUser;
  const on = (node: TestNode, u: TestUser) => new Api(node.url, u.token);

  beforeAll(async () => {
    cluster = await backend.startCluster({ nodes: 2, config: { rateLimits: testRateLimits() } });
    [n1, n2] = cluster.nodes as [TestNode, TestNode];
    [a, b, c] = await registerUsers(n1.url, 3, 'mn');
  });
  afterAll(() => cluster.close());

  it('a message sent through node 1 reaches a client on node 2', async () => {
    const conv = (await on(n1, a).post('/api/conversations/group', { title: 'mn', memberIds: [b.id] })).body.conversation.id;
    const sb = await RawSocket.connect(n2.wsUrl, b.token);
    const sa = await RawSocket.connect(n1.wsUrl, a.token);
    const mb = sb.mark();
    const sent = await sa.ok('send', { conversationId: conv, clientMessageId: 'mn-1', kind: 'text', content: { body: 'across nodes' } });
    const ev = await sb.waitEvent(conv, 'message.created', mb, sent.message.seq);
    expect(ev.message).toEqual(sent.message);
    // And back: typing and receipts cross too.
    const ma = sa.mark();
    await sb.ok('typing', { conversationId: conv, state: 'start' });
    await sa.waitPush((f) => f.type === 'typing' && f.userId === b.id, ma);
    await sb.ok('read', { conversationId: conv, seq: sent.message.seq });
    await sa.waitPush((f) => f.type === 'receipts' && f.receipts.some((r) => r.userId === b.id && r.readSeq === sent.message.seq), ma);
    await Promise.all([sa.close(), sb.close()]);
  });

  it('my other socket on the other node sees my sends and my user events', async () => {
    const conv = (await on(n1, a).post('/api/conversations/group', { title: 'devices', memberIds: [b.id] })).body.conversation.id;
    const [s1, s2] = await Promise.all([RawSocket.connect(n1.wsUrl, a.token), RawSocket.connect(n2.wsUrl, a.token)]);
    const m2 = s2.mark();
    const sent = await s1.ok('send', { conversationId: conv, clientMessageId: 'dev-1', kind: 'text', content: { body: 'from device 1' } });
    await s2.waitEvent(conv, 'message.created', m2, sent.message.seq);
    await on(n1, a).delete(`/api/conversations/${conv}/messages/${sent.message.id}?for=me`);
    await s2.waitPush((f) => f.type === 'user_event' && f.event.type === 'message.hidden' && f.event.messageId === sent.message.id, m2);
    await Promise.all([s1.close(), s2.close()]);
  });

  it('a user added to a group on node 1 receives its events on node 2', async () => {
    const conv = (await on(n1, a).post('/api/conversations/group', { title: 'join', memberIds: [b.id] })).body.conversation.id;
    const sc = await RawSocket.connect(n2.wsUrl, c.token);
    const mc = sc.mark();
    await on(n1, a).post(`/api/conversations/${conv}/members`, { userIds: [c.id] });
    await sc.waitEvent(conv, 'member.added', mc);
    const m = (await on(n1, b).post(`/api/conversations/${conv}/messages`, { clientMessageId: 'join-2', kind: 'text', content: { body: 'hi c' } })).body.message;
    await sc.waitEvent(conv, 'message.created', mc, m.seq);
    // Removed on node 1: node 2 stops routing it to c.
    await on(n1, a).delete(`/api/conversations/${conv}/members/${c.id}`);
    await sc.waitEvent(conv, 'member.removed', mc);
    const direct = (await on(n1, c).post('/api/conversations/direct', { userId: a.id })).body.conversation.id;
    const mark = sc.mark();
    await on(n1, a).post(`/api/conversations/${conv}/messages`, { clientMessageId: 'after-removal', kind: 'text', content: { body: 'c must not see' } });
    const barrier = (await on(n1, a).post(`/api/conversations/${direct}/messages`, { clientMessageId: 'mn-barrier', kind: 'text', content: { body: 'barrier' } })).body.message;
    await sc.waitEvent(direct, 'message.created', mark, barrier.seq);
    expect(sc.eventsSince(mark, conv)).toEqual([]);
    await sc.close();
  });

  it('catch-up works on the other node', async () => {
    const conv = (await on(n1, a).post('/api/conversations/group', { title: 'away', memberIds: [b.id] })).body.conversation.id;
    const sb1 = await RawSocket.connect(n1.wsUrl, b.token);
    const base = (await sb1.ok('sync', { unknown: 'heads' })).conversations.find((x: { id: string }) => x.id === conv);
    await sb1.close();
    const sa = await RawSocket.connect(n1.wsUrl, a.token);
    const sent = [];
    for (let i = 0; i < 3; i++) sent.push((await sa.ok('send', { conversationId: conv, clientMessageId: `away-${i}`, kind: 'text', content: { body: `m${i}` } })).message);
    const sb2 = await RawSocket.connect(n2.wsUrl, b.token);
    const res = await sb2.ok('sync', { conversations: [{ id: conv, seq: base.lastSeq, receiptsVersion: base.receiptsVersion }] });
    const events = res.conversations.find((x: { id: string }) => x.id === conv).events;
    expect(events.map((e: { message: { id: string } }) => e.message.id)).toEqual(sent.map((m) => m.id));
    await Promise.all([sa.close(), sb2.close()]);
  });

  it('logout-all on node 1 closes my sockets on node 2 with 4403', async () => {
    const [u] = await registerUsers(n2.url, 1, 'mnlo');
    const s2 = await RawSocket.connect(n2.wsUrl, u.token);
    expect((await on(n1, u).post('/api/auth/logout-all')).status).toBe(204);
    expect((await s2.closed).code).toBe(CLOSE.SESSION_REVOKED);
    expect((await on(n2, u).get('/api/me')).status).toBe(401);
  });

  it('logout on node 1 closes that session\'s sockets on node 2 with 4403, and only that session\'s; node 2 refuses its token', async () => {
    const [u] = await registerUsers(n1.url, 1, 'mnso');
    const other = (await call(n1.url, 'POST', '/api/auth/login', { json: { username: u.username, password: u.password } })).body;
    const [s1, s2] = [await RawSocket.connect(n2.wsUrl, u.token), await RawSocket.connect(n2.wsUrl, other.accessToken)];
    expect((await call(n1.url, 'POST', '/api/auth/logout', { json: { refreshToken: u.refreshToken } })).status).toBe(204);
    expect((await s1.closed).code).toBe(CLOSE.SESSION_REVOKED);
    // Node 2 holds a socket of the user, so it heard of the revocation on the bus: at once.
    expect((await on(n2, u).get('/api/me')).status).toBe(401);
    expect((await new Api(n2.url, other.accessToken).get('/api/me')).status).toBe(200);
    expect((await s2.request('ping')).ok).toBe(true);
    await s2.close();
  });

  it('a presence change reaches a user once, however many conversations they share', async () => {
    const [p, q] = await registerUsers(n1.url, 2, 'mnq');
    await on(n1, p).post('/api/conversations/direct', { userId: q.id });
    const groups: string[] = [];
    for (const title of ['one', 'two']) groups.push((await on(n1, p).post('/api/conversations/group', { title, memberIds: [q.id] })).body.conversation.id);
    const sp = await RawSocket.connect(n1.wsUrl, p.token);
    const mp = sp.mark();
    const sq = await RawSocket.connect(n2.wsUrl, q.token);
    const isQ = (status: string) => (f: { type: string; presence?: { userId: string; status: string } }) => f.type === 'presence' && f.presence?.userId === q.id && f.presence.status === status;
    await sp.waitPush(isQ('online'), mp);
    // A barrier: published after the presence frames, on one of the same topics.
    const m = await sq.ok('send', { conversationId: groups[1], clientMessageId: 'mnq-1', kind: 'text', content: { body: 'after presence' } });
    await sp.waitEvent(groups[1]!, 'message.created', mp, m.message.seq);
    expect(sp.pushesSince(mp, 'presence').filter(isQ('online'))).toHaveLength(1);

    // Changes within one turn are not merged away: online, offline, online ends online.
    const all = [groups[0]!, groups[1]!] as ConversationId[];
    const presence = (status: 'online' | 'offline') => ({ userId: q.id as UserId, status, lastSeenAt: status === 'offline' ? 1 : null });
    const mark = sp.mark();
    n2.app.services.fanout.presence(all, presence('online'));
    n2.app.services.fanout.presence(all, presence('offline'));
    n2.app.services.fanout.presence(all, presence('online'));
    const m2 = await sq.ok('send', { conversationId: groups[1], clientMessageId: 'mnq-2', kind: 'text', content: { body: 'after flapping' } });
    await sp.waitEvent(groups[1]!, 'message.created', mark, m2.message.seq);
    const seen = sp.pushesSince(mark, 'presence').map((f) => (f as { presence: { status: string } }).presence.status);
    expect(seen).toEqual(['online', 'offline', 'online']);
    await Promise.all([sp.close(), sq.close()]);
  });

  it('presence crosses nodes', async () => {
    const [p, q] = await registerUsers(n1.url, 2, 'mnp');
    await on(n1, p).post('/api/conversations/direct', { userId: q.id });
    const sp = await RawSocket.connect(n1.wsUrl, p.token);
    const mp = sp.mark();
    const sq = await RawSocket.connect(n2.wsUrl, q.token);
    await sp.waitPush((f) => f.type === 'presence' && f.presence.userId === q.id && f.presence.status === 'online', mp);
    expect((await on(n1, p).get(`/api/users/${q.id}`)).body.presence.status).toBe('online');
    await sq.close();
    await sp.waitPush((f) => f.type === 'presence' && f.presence.userId === q.id && f.presence.status === 'offline', mp);
    await sp.close();
  });
});

describe('two nodes, a session revoked where the other node holds no socket of it', () => {
  it('the other node refuses its access token once it stops trusting its last answer (NOT_REVOKED_TTL_MS), bus or no bus', async () => {
    const clock = movableClock();
    const cluster = await startTestCluster({ nodes: 2, clock: clock.now, config: { rateLimits: testRateLimits() } });
    try {
      const [n1, n2] = cluster.nodes as [TestNode, TestNode];
      const [u] = await registerUsers(n1.url, 1, 'mnttl');
      const api2 = new Api(n2.url, u.token);
      expect((await api2.get('/api/me')).status).toBe(200);
      expect((await call(n1.url, 'POST', '/api/auth/logout', { json: { refreshToken: u.refreshToken } })).status).toBe(204);
      expect((await new Api(n1.url, u.token).get('/api/me')).status).toBe(401);
      // Node 2 heard nothing (no socket of the user there) and may still trust its answer...
      clock.advance(NOT_REVOKED_TTL_MS + 1);
      // ...but not for longer than this.
      expect((await api2.get('/api/me')).status).toBe(401);
    } finally {
      await cluster.close();
    }
  });
});
