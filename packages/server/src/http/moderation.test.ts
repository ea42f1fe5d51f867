/**
 * Moderation over HTTP and WebSocket on SQLite and PostgreSQL: the content filter
 * (every rule refuses with CONTENT_REJECTED and stores nothing; retries of one
 * clientMessageId are never repeats), blocks (messages, direct conversations, group
 * adds, typing and presence filtered at delivery on every node, presence 'hidden'),
 * reports, and the admin surface (invisible to non-admins; delete for everyone;
 * suspension closes sockets with 4403 on another node and refuses login).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE } from '@parley/protocol';
import { startTestCluster, type TestNode } from '../testing';
import type { Store } from '../store/port';
import { Api, call } from '../test-support/http-client';
import { RawSocket } from '../test-support/ws-client';
import { registerUser, registerUsers, testRateLimits, type TestUser } from '../test-support/users';
import { describeWithPostgres, postgresReachable, postgresTestStore } from '../store/postgres/test-support';

type Factory = () => Promise<{ store?: Store; cleanup: () => Promise<void> }>;

/** A short wait used only AFTER a positive control proved the frame is delivered to others. */
const QUIET_MS = 150;
const quiet = () => new Promise((r) => setTimeout(r, QUIET_MS));

export const FILTER = { words: ['spam', 'buy now'], maxLinks: 2, blockedDomains: ['evil.example'], repeatMax: 3, repeatWindowSec: 60 };

function moderationSuite(backend: string, factory: Factory) {
  describe(`moderation (${backend})`, () => {
    let cluster: { nodes: TestNode[]; store: Store; close(): Promise<void> };
    let n1: TestNode, n2: TestNode;
    let cleanup: () => Promise<void>;
    let n = 0;
    const cmid = () => `mod-${++n}`;

    beforeAll(async () => {
      const made = await factory();
      cleanup = made.cleanup;
      cluster = await startTestCluster({ nodes: 2, config: { rateLimits: testRateLimits(), contentFilter: FILTER }, ...(made.store ? { store: made.store } : {}) });
      [n1, n2] = cluster.nodes as [TestNode, TestNode];
    });
    afterAll(async () => {
      await cluster.close();
      await cleanup();
    });

    const direct = async (a: TestUser, b: TestUser) => (await a.api.post('/api/conversations/direct', { userId: b.id })).body.conversation.id as string;
    const group = async (owner: TestUser, members: TestUser[]) =>
      (await owner.api.post('/api/conversations/group', { title: 'G', memberIds: members.map((m) => m.id) })).body.conversation.id as string;
    const lastSeq = async (u: TestUser, conv: string) => (await u.api.get(`/api/conversations/${conv}`)).body.conversation.lastSeq as number;
    const admin = async () => {
      const u = await registerUser(n1.url, 'adm');
      await cluster.store.moderation.setRole(u.id, 'admin');
      return u;
    };

    describe('content filter', () => {
      it('refuses each rule with CONTENT_REJECTED and stores nothing', async () => {
        const [a, b] = await registerUsers(n1.url, 2, 'cf');
        const conv = await direct(a, b);
        const before = await lastSeq(a, conv);
        const bad = [
          'this is SPAM',
          'pure spaaaam here',
          's.p.a.m again',
          'Buy   now!',
          'see https://a.example/1 https://b.example/2 www.c.example',
          'go to https://evil.example/x',
          'go to http://deep.sub.evil.example:8080/x',
        ];
        for (const body of bad) {
          const res = await a.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: cmid(), kind: 'text', content: { body } });
          expect(res.status, body).toBe(422);
          expect(res.body.code).toBe('CONTENT_REJECTED');
        }
        // A title counts too, and compose is filtered the same way.
        const titled = await a.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: cmid(), kind: 'text', content: { body: 'fine', title: 'spam' } });
        expect(titled.body.code).toBe('CONTENT_REJECTED');
        const composed = await a.api.post('/api/compose', { recipient: b.username, clientMessageId: cmid(), body: 'spam', title: 'hello' });
        expect(composed.body.code).toBe('CONTENT_REJECTED');
        expect(await lastSeq(a, conv)).toBe(before);
        // Lookalikes that are not the word pass, as do links within the limit.
        for (const body of ['spammer? no: antispam', 'two links https://a.example and https://notevil.example.org', 'it\'s pam']) {
          const ok = await a.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: cmid(), kind: 'text', content: { body } });
          expect(ok.status, body).toBe(201);
        }
      });

      it('refuses an edit that breaks a rule and keeps the message as it was', async () => {
        const [a, b] = await registerUsers(n1.url, 2, 'cfe');
        const conv = await direct(a, b);
        const m = (await a.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: cmid(), kind: 'text', content: { body: 'clean' } })).body.message;
        const seq = await lastSeq(a, conv);
        const res = await a.api.patch(`/api/conversations/${conv}/messages/${m.id}`, { kind: 'text', content: { body: 'now spam' } });
        expect(res.body.code).toBe('CONTENT_REJECTED');
        expect(await lastSeq(a, conv)).toBe(seq);
        const history = (await a.api.get(`/api/conversations/${conv}/messages`)).body.messages;
        expect(history.find((x: { id: string }) => x.id === m.id).content.body).toBe('clean');
      });

      it('refuses the same body more than repeatMax times across conversations, over HTTP and WebSocket', async () => {
        const [a, b, c] = await registerUsers(n1.url, 3, 'rep');
        const c1 = await direct(a, b);
        const c2 = await group(a, [c]);
        const body = `hello everyone ${n}`;
        expect((await a.api.post(`/api/conversations/${c1}/messages`, { clientMessageId: cmid(), kind: 'text', content: { body } })).status).toBe(201);
        expect((await a.api.post(`/api/conversations/${c2}/messages`, { clientMessageId: cmid(), kind: 'text', content: { body } })).status).toBe(201);
        const s = await RawSocket.connect(n1.wsUrl, a.token);
        expect((await s.request('send', { conversationId: c1, clientMessageId: cmid(), kind: 'text', content: { body: `  HELLO everyone ${n - 3}` } })).ok).toBe(true);
        const seq1 = await lastSeq(a, c1);
        const refused = await s.request('send', { conversationId: c2, clientMessageId: cmid(), kind: 'text', content: { body } });
        expect(refused.ok).toBe(false);
        expect(refused.error.code).toBe('CONTENT_REJECTED');
        const http = await a.api.post(`/api/conversations/${c1}/messages`, { clientMessageId: cmid(), kind: 'text', content: { body } });
        expect(http.body.code).toBe('CONTENT_REJECTED');
        expect(await lastSeq(a, c1)).toBe(seq1);
        // Someone else may still say it.
        expect((await c.api.post(`/api/conversations/${c2}/messages`, { clientMessageId: cmid(), kind: 'text', content: { body } })).status).toBe(201);
        await s.close();
      });

      it('never counts a retry of one clientMessageId as a repeat, and returns the original', async () => {
        const [a, b] = await registerUsers(n1.url, 2, 'retry');
        const conv = await direct(a, b);
        const body = `retry me ${n}`;
        const id = cmid();
        const first = await a.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: id, kind: 'text', content: { body } });
        expect(first.status).toBe(201);
        // The outbox retries the same id many times, on both nodes: never a repeat, always the original.
        for (let i = 0; i < 6; i++) {
          const again = await new Api(i % 2 ? n2.url : n1.url, a.token).post(`/api/conversations/${conv}/messages`, { clientMessageId: id, kind: 'text', content: { body } });
          expect(again.status).toBe(200);
          expect(again.body.message).toEqual(first.body.message);
        }
        // Two more distinct copies are still allowed (3 in all), the next one is not.
        expect((await a.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: cmid(), kind: 'text', content: { body } })).status).toBe(201);
        const third = cmid();
        expect((await a.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: third, kind: 'text', content: { body } })).status).toBe(201);
        expect((await a.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: cmid(), kind: 'text', content: { body } })).body.code).toBe('CONTENT_REJECTED');
        // Even past the limit, a retry of a stored copy still answers with its original (on either node).
        const late = await new Api(n2.url, a.token).post(`/api/conversations/${conv}/messages`, { clientMessageId: third, kind: 'text', content: { body } });
        expect(late.status).toBe(200);
        expect(late.body.message.clientMessageId).toBe(third);
      });
    });

    describe('blocks', () => {
      it('blocks both ways: direct conversation, compose, sends and group adds answer BLOCKED; unblock restores', async () => {
        const [a, b, c] = await registerUsers(n1.url, 3, 'blk');
        const conv = await direct(a, b);
        expect((await a.api.post('/api/blocks', { userId: b.id })).status).toBe(204);
        expect((await a.api.post('/api/blocks', { userId: b.id })).status).toBe(204);
        const list = (await a.api.get('/api/blocks')).body.blocks;
        expect(list.map((x: { user: { id: string } }) => x.user.id)).toEqual([b.id]);
        const seq = await lastSeq(a, conv);

        for (const [from, to] of [
          [b, a],
          [a, b],
        ] as const) {
          const sent = await from.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: cmid(), kind: 'text', content: { body: 'hi' } });
          expect(sent.status).toBe(403);
          expect(sent.body.code).toBe('BLOCKED');
          expect((await from.api.post('/api/conversations/direct', { userId: to.id })).body.code).toBe('BLOCKED');
          expect((await from.api.post('/api/compose', { recipient: to.username, clientMessageId: cmid(), body: 'b', title: 't' })).body.code).toBe('BLOCKED');
          expect((await from.api.post('/api/conversations/group', { title: 'g', memberIds: [to.id] })).body.code).toBe('BLOCKED');
        }
        // Over the WebSocket too.
        const sb = await RawSocket.connect(n2.wsUrl, b.token);
        const ws = await sb.request('send', { conversationId: conv, clientMessageId: cmid(), kind: 'text', content: { body: 'hi' } });
        expect(ws.error.code).toBe('BLOCKED');
        await sb.close();
        // b cannot add a to a group, even one c owns and b administers.
        const g = await group(c, [b]);
        await c.api.patch(`/api/conversations/${g}/members/${b.id}`, { role: 'admin' });
        const add = await b.api.post(`/api/conversations/${g}/members`, { userIds: [a.id] });
        expect(add.body.code).toBe('BLOCKED');
        expect(await lastSeq(a, conv)).toBe(seq);

        expect((await a.api.delete(`/api/blocks/${b.id}`)).status).toBe(204);
        expect((await a.api.get('/api/blocks')).body.blocks).toEqual([]);
        expect((await b.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: cmid(), kind: 'text', content: { body: 'hi again' } })).status).toBe(201);
        expect((await b.api.post(`/api/conversations/${g}/members`, { userIds: [a.id] })).status).toBe(200);
      });

      it('answers USER_NOT_FOUND for an unknown user and CONFLICT for myself; unblocking a stranger changes nothing', async () => {
        const [a, b] = await registerUsers(n1.url, 2, 'blku');
        expect((await a.api.post('/api/blocks', { userId: 'nobody0000' })).body.code).toBe('USER_NOT_FOUND');
        expect((await a.api.post('/api/blocks', { userId: a.id })).body.code).toBe('CONFLICT');
        expect((await a.api.delete(`/api/blocks/${b.id}`)).status).toBe(204);
        expect((await a.api.post('/api/blocks', {})).body.code).toBe('BAD_REQUEST');
      });

      it('shows presence as hidden both ways, and replaces what open sockets hold on block and unblock', async () => {
        const [a, b] = await registerUsers(n1.url, 2, 'hid');
        const sb = await RawSocket.connect(n1.wsUrl, b.token);
        const sa = await RawSocket.connect(n2.wsUrl, a.token);
        expect((await a.api.get(`/api/users/${b.id}`)).body.presence.status).toBe('online');
        let ma = sa.mark();
        let mb = sb.mark();
        await a.api.post('/api/blocks', { userId: b.id });
        expect((await a.api.get(`/api/users/${b.id}`)).body.presence.status).toBe('hidden');
        expect((await b.api.get(`/api/users/${a.id}`)).body.presence.status).toBe('hidden');
        await sa.waitPush((f) => f.type === 'presence' && f.presence.userId === b.id && f.presence.status === 'hidden', ma);
        await sb.waitPush((f) => f.type === 'presence' && f.presence.userId === a.id && f.presence.status === 'hidden', mb);
        ma = sa.mark();
        mb = sb.mark();
        await a.api.delete(`/api/blocks/${b.id}`);
        expect((await a.api.get(`/api/users/${b.id}`)).body.presence.status).toBe('online');
        await sa.waitPush((f) => f.type === 'presence' && f.presence.userId === b.id && f.presence.status === 'online', ma);
        await sb.waitPush((f) => f.type === 'presence' && f.presence.userId === a.id && f.presence.status === 'online', mb);
        await Promise.all([sa.close(), sb.close()]);
      });

      it('stops typing and presence of a blocked user at delivery, on every node, and unblock restores them', async () => {
        const [a, b, c] = await registerUsers(n1.url, 3, 'tp');
        const g = await group(c, [a, b]);
        // a on node 2, c (the control) on node 1; a blocks b through node 1 while connected.
        const sa = await RawSocket.connect(n2.wsUrl, a.token);
        const sc = await RawSocket.connect(n1.wsUrl, c.token);
        const sb = await RawSocket.connect(n1.wsUrl, b.token);
        // Before the block a sees b typing.
        let ma = sa.mark();
        await sb.ok('typing', { conversationId: g, state: 'start' });
        await sa.waitPush((f) => f.type === 'typing' && f.userId === b.id, ma);

        await a.api.post('/api/blocks', { userId: b.id });
        ma = sa.mark();
        let mc = sc.mark();
        await sb.ok('typing', { conversationId: g, state: 'start' });
        await sc.waitPush((f) => f.type === 'typing' && f.userId === b.id, mc); // positive control
        // Barrier: c's typing travels the same topic after b's, and a receives it.
        await sc.ok('typing', { conversationId: g, state: 'start' });
        await sa.waitPush((f) => f.type === 'typing' && f.userId === c.id, ma);
        await quiet();
        expect(sa.pushesSince(ma, 'typing').filter((f) => f.userId === b.id)).toEqual([]);

        // Presence: b goes offline and comes back; c hears it, a does not.
        ma = sa.mark();
        mc = sc.mark();
        await sb.close();
        await sc.waitPush((f) => f.type === 'presence' && f.presence.userId === b.id && f.presence.status === 'offline', mc);
        const sb2 = await RawSocket.connect(n2.wsUrl, b.token);
        await sc.waitPush((f) => f.type === 'presence' && f.presence.userId === b.id && f.presence.status === 'online', mc);
        await sc.ok('typing', { conversationId: g, state: 'stop' });
        await sa.waitPush((f) => f.type === 'typing' && f.userId === c.id && f.state === 'stop', ma);
        await quiet();
        expect(sa.pushesSince(ma, 'presence').filter((f) => f.presence.userId === b.id)).toEqual([]);
        // And b no longer hears a either (a block hides both ways).
        const mb = sb2.mark();
        await sa.ok('typing', { conversationId: g, state: 'start' });
        await sc.ok('typing', { conversationId: g, state: 'start' });
        await sb2.waitPush((f) => f.type === 'typing' && f.userId === c.id, mb);
        await quiet();
        expect(sb2.pushesSince(mb, 'typing').filter((f) => f.userId === a.id)).toEqual([]);

        // A socket opened after the block loads it at hello.
        const sa2 = await RawSocket.connect(n1.wsUrl, a.token);
        const ma2 = sa2.mark();
        await sb2.ok('typing', { conversationId: g, state: 'start' });
        await sc.ok('typing', { conversationId: g, state: 'stop' });
        await sa2.waitPush((f) => f.type === 'typing' && f.userId === c.id, ma2);
        expect(sa2.pushesSince(ma2, 'typing').filter((f) => f.userId === b.id)).toEqual([]);

        // Unblock: both of a's sockets (both nodes) hear b again.
        await new Api(n2.url, a.token).delete(`/api/blocks/${b.id}`);
        ma = sa.mark();
        const ma3 = sa2.mark();
        await sb2.ok('typing', { conversationId: g, state: 'stop' });
        await sa.waitPush((f) => f.type === 'typing' && f.userId === b.id, ma);
        await sa2.waitPush((f) => f.type === 'typing' && f.userId === b.id, ma3);
        await Promise.all([sa.close(), sa2.close(), sb2.close(), sc.close()]);
      });
    });

    describe('reports and admin', () => {
      it('lets members report a message once while open; others get 404', async () => {
        const [a, b, outsider] = await registerUsers(n1.url, 3, 'rpt');
        const conv = await direct(a, b);
        const m = (await b.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: cmid(), kind: 'text', content: { body: 'rude words' } })).body.message;
        const path = `/api/conversations/${conv}/messages/${m.id}/report`;
        const r = await a.api.post(path, { reason: '  insulting ' });
        expect(r.status).toBe(201);
        expect(r.body.report).toMatchObject({ conversationId: conv, messageId: m.id, reason: 'insulting' });
        expect((await a.api.post(path, { reason: 'again' })).body.code).toBe('CONFLICT');
        expect((await outsider.api.post(path, { reason: 'x' })).status).toBe(404);
        expect((await a.api.post(`/api/conversations/${conv}/messages/nosuchmsg/report`, { reason: 'x' })).status).toBe(404);
        expect((await a.api.post(path, { reason: '' })).body.code).toBe('BAD_REQUEST');
        expect((await a.api.post(path, { reason: 'x'.repeat(501) })).body.code).toBe('BAD_REQUEST');
      });

      it('hides the admin routes from non-admins exactly like unknown routes', async () => {
        const u = await registerUser(n1.url, 'plain');
        const unknown = await u.api.get('/api/admin/nothing-here');
        for (const [method, path] of [
          ['GET', '/api/admin/reports'],
          ['POST', '/api/admin/reports/r1/resolve'],
          ['DELETE', '/api/admin/conversations/c1/messages/m1'],
          ['POST', `/api/admin/users/${u.id}/suspend`],
          ['POST', `/api/admin/users/${u.id}/unsuspend`],
        ] as const) {
          const res = await u.api.raw(method, path);
          expect(res.status, path).toBe(404);
          expect(res.body).toEqual(unknown.body);
        }
        expect((await call(n1.url, 'POST', '/api/auth/login', { json: { username: u.username, password: u.password } })).status).toBe(200);
      });

      it('lists open reports with the message; deleting it for everyone resolves them; resolve closes one', async () => {
        const boss = await admin();
        const [a, b] = await registerUsers(n1.url, 2, 'adr');
        const conv = await direct(a, b);
        const bad = (await b.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: cmid(), kind: 'text', content: { body: 'awful thing' } })).body.message;
        const meh = (await b.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: cmid(), kind: 'text', content: { body: 'meh thing' } })).body.message;
        const r1 = (await a.api.post(`/api/conversations/${conv}/messages/${bad.id}/report`, { reason: 'awful' })).body.report;
        const r2 = (await a.api.post(`/api/conversations/${conv}/messages/${meh.id}/report`, { reason: 'meh' })).body.report;

        const listed = (await boss.api.get('/api/admin/reports?limit=200')).body.reports as any[];
        const mine = listed.filter((r) => r.conversationId === conv);
        expect(mine.map((r) => r.id)).toEqual([r1.id, r2.id]);
        expect(mine[0]).toMatchObject({ reason: 'awful', reporter: { id: a.id }, sender: { id: b.id }, message: { id: bad.id, content: { body: 'awful thing' } }, resolvedAt: null });

        // Delete for everyone: a member's socket sees message.deleted with the admin as actor.
        const sa = await RawSocket.connect(n2.wsUrl, a.token);
        const ma = sa.mark();
        expect((await boss.api.delete(`/api/admin/conversations/${conv}/messages/${bad.id}`)).status).toBe(204);
        const ev = await sa.waitEvent(conv, 'message.deleted', ma);
        expect(ev).toMatchObject({ messageId: bad.id, actorId: boss.id });
        const history = (await a.api.get(`/api/conversations/${conv}/messages`)).body.messages;
        expect(history.find((x: { id: string }) => x.id === bad.id)).toMatchObject({ deletedAt: expect.any(Number), content: null });
        expect((await boss.api.delete(`/api/admin/conversations/${conv}/messages/${bad.id}`)).status).toBe(404);

        expect((await boss.api.post(`/api/admin/reports/${r2.id}/resolve`)).status).toBe(204);
        expect((await boss.api.post('/api/admin/reports/unknownreport/resolve')).status).toBe(404);
        const after = ((await boss.api.get('/api/admin/reports?limit=200')).body.reports as any[]).filter((r) => r.conversationId === conv);
        expect(after).toEqual([]);
        // A closed report no longer blocks reporting again.
        expect((await a.api.post(`/api/conversations/${conv}/messages/${meh.id}/report`, { reason: 'still meh' })).status).toBe(201);
        await sa.close();
      });

      it('suspending ends the sessions at once on the other node (4403), refuses login and refresh; unsuspend lets them back', async () => {
        const boss = await admin();
        const v = await registerUser(n1.url, 'susp');
        const s2 = await RawSocket.connect(n2.wsUrl, v.token);
        expect((await boss.api.post(`/api/admin/users/${boss.id}/suspend`)).body.code).toBe('CONFLICT');
        expect((await boss.api.post('/api/admin/users/nobody0000/suspend')).body.code).toBe('USER_NOT_FOUND');
        expect((await boss.api.post(`/api/admin/users/${v.id}/suspend`)).status).toBe(204);
        expect((await s2.closed).code).toBe(CLOSE.SESSION_REVOKED);
        expect((await new Api(n2.url, v.token).get('/api/me')).status).toBe(401);
        const login = await call(n2.url, 'POST', '/api/auth/login', { json: { username: v.username, password: v.password } });
        expect(login.body.code).toBe('ACCOUNT_SUSPENDED');
        expect((await call(n1.url, 'POST', '/api/auth/refresh', { json: { refreshToken: v.refreshToken } })).status).toBe(401);

        expect((await boss.api.post(`/api/admin/users/${v.id}/unsuspend`)).status).toBe(204);
        expect((await call(n2.url, 'POST', '/api/auth/login', { json: { username: v.username, password: v.password } })).status).toBe(200);
      });
    });
  });
}

moderationSuite('sqlite', async () => ({ cleanup: async () => {} }));

const reachable = await postgresReachable();
describeWithPostgres('moderation (postgres)', reachable, () => {
  moderationSuite('postgres', postgresTestStore);
});
