/**
 * Invariant 6 when the bus loses messages (issue 16, item 1). Two nodes on one store and
 * one in-process bus; node 2's endpoint can lose deliveries (test-support/lossy-bus.ts):
 * - a gap (its subscriptions dropped, then restored): node 2 re-checks every socket
 *   against the database before it delivers again;
 * - a message lost with nobody told (its publisher was down): node 2's periodic re-check
 *   corrects it (run here by the test, not by the timer, which is set to an hour).
 * In both, a removed member gets nothing more of the group and learns of the removal by
 * sync, and a revoked session's socket is closed with 4403.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE, type UserId } from '@parley/protocol';
import { LocalBusHub } from '../bus/local';
import { decodeConversation, decodeUser } from '../bus/envelope';
import { startTestCluster, type TestNode } from '../testing';
import { Api, call } from '../test-support/http-client';
import { LossyBus } from '../test-support/lossy-bus';
import { RawSocket } from '../test-support/ws-client';
import { registerUsers, testRateLimits, type TestUser } from '../test-support/users';

describe('bus loss', () => {
  let cluster: { nodes: TestNode[]; close(): Promise<void> };
  let n1: TestNode, n2: TestNode;
  let lossy: LossyBus;
  let n = 0;
  const on = (node: TestNode, token: string) => new Api(node.url, token);

  beforeAll(async () => {
    const hub = new LocalBusHub();
    lossy = new LossyBus(hub.endpoint());
    cluster = await startTestCluster({ nodes: 2, buses: [hub.endpoint(), lossy], config: { rateLimits: testRateLimits(), recheckIntervalMs: 3_600_000 } });
    [n1, n2] = cluster.nodes as [TestNode, TestNode];
  });
  afterAll(() => cluster.close());

  async function groupWith(owner: TestUser, member: TestUser): Promise<string> {
    return (await on(n1, owner.token).post('/api/conversations/group', { title: 'G', memberIds: [member.id] })).body.conversation.id;
  }
  const send = async (who: TestUser, conv: string) => (await on(n1, who.token).post(`/api/conversations/${conv}/messages`, { clientMessageId: `bl-${++n}`, kind: 'text', content: { body: `m${n}` } })).body.message;

  /** After a barrier message in another conversation reached the socket, nothing of `conv` arrived since `mark`. */
  async function nothingOf(sock: RawSocket, conv: string, mark: number, barrierFrom: TestUser, barrierConv: string): Promise<void> {
    const barrier = await send(barrierFrom, barrierConv);
    await sock.waitEvent(barrierConv, 'message.created', mark, barrier.seq);
    expect(sock.eventsSince(mark, conv)).toEqual([]);
  }

  /** The removed member's sync: the group is gone for them. */
  async function syncShowsRemoved(sock: RawSocket, conv: string): Promise<void> {
    const res = await sock.ok('sync', { conversations: [{ id: conv, seq: 1, receiptsVersion: 0 }] });
    expect(res.conversations.find((c: { id: string }) => c.id === conv)).toMatchObject({ removed: true });
  }

  it('after a gap, node 2 re-checks before delivering again: the removed member gets nothing more, a logged-out user\'s socket closes with 4403', async () => {
    const [owner, member, other] = await registerUsers(n1.url, 3, 'gap');
    const group = await groupWith(owner, member);
    const direct = (await on(n1, owner.token).post('/api/conversations/direct', { userId: member.id })).body.conversation.id;
    const sm = await RawSocket.connect(n2.wsUrl, member.token);
    const so = await RawSocket.connect(n2.wsUrl, other.token);
    const before = sm.mark();
    await sm.waitEvent(group, 'message.created', before, (await send(owner, group)).seq);
    // Node 2 has checked its users once: after the gap it re-reads only those whose membership moved.
    await n2.app.gateway['recheck'].run();

    lossy.interrupt();
    const lostBefore = lossy.lost;
    expect((await on(n1, owner.token).delete(`/api/conversations/${group}/members/${member.id}`)).status).toBe(204);
    expect((await on(n1, other.token).post('/api/auth/logout-all')).status).toBe(204);
    expect(lossy.lost).toBeGreaterThan(lostBefore);
    lossy.restore();

    expect((await so.closed).code).toBe(CLOSE.SESSION_REVOKED);
    const mark = sm.mark();
    await send(owner, group);
    await nothingOf(sm, group, mark, owner, direct);
    await syncShowsRemoved(sm, group);
    await sm.close();
  });

  it('a removal and a logout the bus lost without a gap are corrected by the periodic re-check', async () => {
    const [owner, member, other] = await registerUsers(n1.url, 3, 'lost');
    const group = await groupWith(owner, member);
    const direct = (await on(n1, owner.token).post('/api/conversations/direct', { userId: member.id })).body.conversation.id;
    // Two sessions of `other`, a socket each on node 2: only the logged-out one must close.
    const second = (await call(n1.url, 'POST', '/api/auth/login', { json: { username: other.username, password: other.password } })).body;
    const [sm, so1, so2] = [await RawSocket.connect(n2.wsUrl, member.token), await RawSocket.connect(n2.wsUrl, other.token), await RawSocket.connect(n2.wsUrl, second.accessToken)];
    const gone = (payload: string, topic: string) =>
      (topic === `user:${member.id}` && decodeUser(payload)?.type === 'left') ||
      (topic === `conversation:${group}` && decodeConversation(payload)?.type === 'member.gone') ||
      (topic === `user:${other.id}` && decodeUser(payload)?.type === 'session.revoked');
    lossy.lose(gone);
    expect((await on(n1, owner.token).delete(`/api/conversations/${group}/members/${member.id}`)).status).toBe(204);
    expect((await call(n1.url, 'POST', '/api/auth/logout', { json: { refreshToken: other.refreshToken } })).status).toBe(204);
    lossy.lose(null);

    // The loss did happen: node 2 still routes the group to the removed member.
    const stale = sm.mark();
    const leaked = await send(owner, group);
    await sm.waitEvent(group, 'message.created', stale, leaked.seq);
    expect(so1.isOpen).toBe(true);

    await n2.app.gateway['recheck'].run();
    expect((await so1.closed).code).toBe(CLOSE.SESSION_REVOKED);
    expect(so2.isOpen).toBe(true);
    expect((await so2.request('ping')).ok).toBe(true);
    const mark = sm.mark();
    await send(owner, group);
    await nothingOf(sm, group, mark, owner, direct);
    await syncShowsRemoved(sm, group);
    expect(await n2.app.metrics.registry.getSingleMetricAsString('parley_recheck_corrections_total')).toMatch(/kind="unrouted"\} [1-9]/);
    await Promise.all([sm.close(), so2.close()]);
  });

  it('a member added while the bus lost the news is routed by the re-check', async () => {
    const [owner, joiner] = await registerUsers(n1.url, 2, 'add');
    const group = (await on(n1, owner.token).post('/api/conversations/group', { title: 'later', memberIds: [] })).body.conversation.id;
    const sj = await RawSocket.connect(n2.wsUrl, joiner.token);
    lossy.lose((payload, topic) => topic === `user:${joiner.id}` && decodeUser(payload)?.type === 'joined');
    expect((await on(n1, owner.token).post(`/api/conversations/${group}/members`, { userIds: [joiner.id as UserId] })).status).toBe(200);
    lossy.lose(null);
    await n2.app.gateway['recheck'].run();
    const mark = sj.mark();
    const m = await send(owner, group);
    await sj.waitEvent(group, 'message.created', mark, m.seq);
    await sj.close();
  });
});
