/**
 * In-app notifications over HTTP and WebSocket on SQLite and PostgreSQL, on two nodes
 * (senders on node 1, recipients' sockets on node 2, so every decision reads presence
 * and focus kept for another node): away and online users are notified by the
 * committing node, unless a connection anywhere is focused on the conversation, with
 * one notification per conversation that each new message updates; mentions notify
 * always; big groups notify mentions only; being added to a group notifies; mute and
 * blocks silence message notifications; reads and focus clear them; bad input changes
 * nothing.
 *
 * "Not notified" is asserted with a barrier, never a sleep: after the silent case, a
 * message that does notify, and its notification is the only new one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestNode } from '../testing';
import type { Store } from '../store/port';
import { RawSocket } from '../test-support/ws-client';
import { registerUsers, testRateLimits, type TestUser } from '../test-support/users';
import { call } from '../test-support/http-client';
import { describeWithPostgres, postgresReachable, postgresTestStore } from '../store/postgres/test-support';

type Factory = () => Promise<{ store?: Store; cleanup: () => Promise<void> }>;
type Frame = Record<string, any>;

const GROUP_MAX = 4;

function notificationsSuite(backend: string, factory: Factory) {
  describe(`notifications (${backend})`, () => {
    let cluster: { nodes: TestNode[]; store: Store; close(): Promise<void> };
    let n1: TestNode, n2: TestNode;
    let cleanup: () => Promise<void>;
    const sockets: RawSocket[] = [];
    let k = 0;
    const cmid = () => `ntf-${++k}`;

    beforeAll(async () => {
      const made = await factory();
      cleanup = made.cleanup;
      cluster = await startTestCluster({
        nodes: 2,
        config: {
          rateLimits: testRateLimits(),
          notifications: { groupMax: GROUP_MAX, vapidPublicKey: null, vapidPrivateKey: null, vapidSubject: 'mailto:test@parley.invalid', pushAllowInsecure: false },
        },
        ...(made.store ? { store: made.store } : {}),
      });
      [n1, n2] = cluster.nodes as [TestNode, TestNode];
    });
    afterAll(async () => {
      for (const s of sockets) s.terminate();
      await cluster.close();
      await cleanup();
    });

    const settled = async () => {
      for (const n of cluster.nodes) await n.app.services.notifications.idle();
    };
    const direct = async (a: TestUser, b: TestUser) => (await a.api.post('/api/conversations/direct', { userId: b.id })).body.conversation.id as string;
    const group = async (owner: TestUser, members: TestUser[], title = 'G') =>
      (await owner.api.post('/api/conversations/group', { title, memberIds: members.map((m) => m.id) })).body.conversation.id as string;
    const send = async (from: TestUser, conv: string, body: string) => {
      const res = await from.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: cmid(), kind: 'text', content: { body } });
      expect(res.status).toBe(201);
      return res.body.message as { id: string; seq: number };
    };
    const list = async (u: TestUser, query = '') => (await u.api.get(`/api/notifications${query}`)).body as { notifications: Frame[]; nextCursor: string | null; unreadCount: number };
    /** A socket of u on node 2 (the recipients' node). */
    const online = async (u: TestUser) => {
      const s = await RawSocket.connect(n2.wsUrl, u.token);
      sockets.push(s);
      return s;
    };
    const notification = async (s: RawSocket, pred: (n: Frame) => boolean, from = 0) =>
      (await s.waitFrame((f) => f.type === 'notification' && f.notification && pred(f.notification), from)).notification as Frame;
    const notificationsSince = (s: RawSocket, mark: number) => s.frames.slice(mark).filter((f) => f.type === 'notification' && f.notification).map((f) => f.notification);

    it('a user with no socket is notified by the committing node, one notification per conversation counting its messages; list, read one, read all', async () => {
      const [a, b, c] = await registerUsers(n1.url, 3, 'away');
      const [fromA, fromC] = [await direct(a, b), await direct(c, b)];
      await send(a, fromA, 'hello while you are away');
      const m2 = await send(a, fromA, 'x'.repeat(300));
      await settled();
      let page = await list(b);
      expect(page.unreadCount).toBe(1);
      expect(page.notifications).toHaveLength(1);
      const [first] = page.notifications as [Frame];
      expect(first).toMatchObject({ kind: 'message', conversationId: fromA, conversationKind: 'direct', conversationTitle: null, messageId: m2.id, seq: m2.seq, count: 2, readAt: null });
      expect(first.actor).toMatchObject({ id: a.id, username: a.username });
      expect(first.preview).toHaveLength(140);
      expect(first.preview.endsWith('…')).toBe(true);
      // The sender is never notified of their own message.
      expect((await list(a)).unreadCount).toBe(0);

      // Another conversation: its own notification, on top; the unread count counts notifications.
      const m3 = await send(c, fromC, 'me too');
      await settled();
      page = await list(b);
      expect(page.notifications.map((n) => [n.conversationId, n.messageId, n.count])).toEqual([[fromC, m3.id, 1], [fromA, m2.id, 2]]);
      expect(page.unreadCount).toBe(2);
      const second = page.notifications[0]!;

      const read = await b.api.post(`/api/notifications/${first.id}/read`);
      expect(read.status).toBe(200);
      expect(read.body.unreadCount).toBe(1);
      expect((await b.api.post(`/api/notifications/${first.id}/read`)).body.unreadCount).toBe(1);
      expect((await list(b, '?unread=true')).notifications.map((n) => n.id)).toEqual([second.id]);

      // A new message after the read: the same notification, unread again, counting from one.
      const m4 = await send(a, fromA, 'are you back?');
      await settled();
      page = await list(b);
      expect(page.notifications[0]).toMatchObject({ id: first.id, messageId: m4.id, preview: 'are you back?', count: 1, readAt: null });
      expect(page.notifications).toHaveLength(2);
      expect(page.unreadCount).toBe(2);
      expect((await b.api.post('/api/notifications/read-all', {})).body.unreadCount).toBe(0);
      expect((await list(b)).notifications.every((n) => n.readAt !== null)).toBe(true);
    });

    it('pages newest first with a keyset cursor', async () => {
      const [b, ...senders] = await registerUsers(n1.url, 6, 'page');
      const sent = [];
      for (const a of senders) sent.push(await send(a, await direct(a, b), `page ${sent.length}`));
      await settled();
      const p1 = await list(b, '?limit=2');
      expect(p1.notifications.map((n) => n.messageId)).toEqual([sent[4]!.id, sent[3]!.id]);
      const p2 = await list(b, `?limit=2&cursor=${encodeURIComponent(p1.nextCursor!)}`);
      const p3 = await list(b, `?limit=2&cursor=${encodeURIComponent(p2.nextCursor!)}`);
      expect([...p2.notifications, ...p3.notifications].map((n) => n.messageId)).toEqual([sent[2]!.id, sent[1]!.id, sent[0]!.id]);
      expect(p3.nextCursor).toBeNull();
    });

    it('an online user sees the one notification of a conversation updated live: same id, a growing count, unread again after a read', async () => {
      const [a, b] = await registerUsers(n1.url, 2, 'coalesce');
      const conv = await direct(a, b);
      const s = await online(b);
      const tab2 = await online(b);
      let mark = s.mark();
      const m1 = await send(a, conv, 'first');
      const notice = await notification(s, (n) => n.messageId === m1.id, mark);
      expect(notice).toMatchObject({ count: 1, readAt: null });
      await send(a, conv, 'second');
      const m3 = await send(a, conv, 'third');
      const f3 = await s.waitFrame((f) => f.type === 'notification' && f.notification?.messageId === m3.id, mark);
      expect(f3.notification).toMatchObject({ id: notice.id, count: 3, preview: 'third', readAt: null });
      expect(f3.unreadCount).toBe(1);
      await notification(tab2, (n) => n.messageId === m3.id && n.count === 3);

      // Read on one tab (the other hears it); the next message makes it unread again, counting from one.
      mark = tab2.mark();
      expect((await b.api.post(`/api/notifications/${notice.id}/read`)).body.unreadCount).toBe(0);
      await tab2.waitFrame((f) => f.type === 'notification' && f.readIds?.includes(notice.id), mark);
      mark = s.mark();
      const m4 = await send(a, conv, 'fourth');
      const f4 = await s.waitFrame((f) => f.type === 'notification' && f.notification?.messageId === m4.id, mark);
      expect(f4.notification).toMatchObject({ id: notice.id, count: 1, readAt: null });
      expect(f4.unreadCount).toBe(1);
      await settled();
      expect((await list(b)).notifications.map((n) => n.id)).toEqual([notice.id]);
    });

    it('an online user is notified live unless a connection is focused on the conversation; focusing reads them', async () => {
      const [a, b] = await registerUsers(n1.url, 2, 'focus');
      const [c1, c2] = [await direct(a, b), await group(a, [b])];
      await settled();
      await b.api.post('/api/notifications/read-all', {}); // the 'added' of c2
      const s = await online(b);
      const tab2 = await online(b);

      // Not focused anywhere: a live notification with the unread count, once for both tabs.
      let mark = s.mark();
      const m1 = await send(a, c1, 'are you there?');
      const pushed = await s.waitFrame((f) => f.type === 'notification' && f.notification?.messageId === m1.id, mark);
      expect(pushed.unreadCount).toBe(1);
      expect(pushed.notification).toMatchObject({ kind: 'message', conversationId: c1, preview: 'are you there?' });
      await notification(tab2, (n) => n.messageId === m1.id);

      // Focusing c1 on one tab marks c1's notifications read (both tabs hear it)...
      mark = tab2.mark();
      expect(await s.ok('focus', { conversationId: c1 })).toEqual({});
      const cleared = await tab2.waitFrame((f) => f.type === 'notification' && f.allRead, mark);
      expect(cleared).toMatchObject({ allRead: { conversationId: c1 }, unreadCount: 0 });
      // ...and silences new messages there, while c2 still notifies (the barrier).
      mark = s.mark();
      await send(a, c1, 'you are looking at this');
      const m3 = await send(a, c2, 'but not at this');
      await notification(s, (n) => n.messageId === m3.id, mark);
      await settled();
      expect(notificationsSince(s, mark).map((n) => n.messageId)).toEqual([m3.id]);

      // A hidden page sends focus null: notified again.
      await s.ok('focus', { conversationId: null });
      mark = s.mark();
      const m4 = await send(a, c1, 'now you are not looking');
      await notification(s, (n) => n.messageId === m4.id, mark);
    });

    it('a focus on another node counts too: one tab reading the conversation silences it for all', async () => {
      const [a, b] = await registerUsers(n1.url, 2, 'twonodes');
      const [reading, other] = [await direct(a, b), await group(a, [b])];
      await settled();
      await b.api.post('/api/notifications/read-all', {});
      const onNode1 = await RawSocket.connect(n1.wsUrl, b.token);
      sockets.push(onNode1);
      const onNode2 = await online(b);
      expect(await onNode1.ok('focus', { conversationId: reading })).toEqual({});
      const mark = onNode2.mark();
      await send(a, reading, 'seen on the other node');
      const barrier = await send(a, other, 'not seen anywhere');
      await notification(onNode2, (n) => n.messageId === barrier.id, mark);
      await settled();
      expect(notificationsSince(onNode2, mark).map((n) => n.messageId)).toEqual([barrier.id]);
    });

    it('the focus of a closed connection no longer counts', async () => {
      const [a, b] = await registerUsers(n1.url, 2, 'closed');
      const conv = await direct(a, b);
      const focused = await online(b);
      await focused.ok('focus', { conversationId: conv });
      const other = await online(b);
      await focused.close();
      const mark = other.mark();
      const m = await send(a, conv, 'after the focused tab closed');
      await notification(other, (n) => n.messageId === m.id, mark);
    });

    it('mentions notify even when focused or muted; big groups notify mentions only', async () => {
      const [a, b, c, d, e] = await registerUsers(n1.url, 5, 'mention');
      const small = await group(a, [b]);
      const big = await group(a, [b, c, d, e]);
      const s = await online(b);
      await s.ok('focus', { conversationId: small });
      await b.api.raw('PUT', `/api/conversations/${small}/mute`, { json: { muted: true } });
      let mark = s.mark();
      const m1 = await send(a, small, `hey @${b.username}, look.`);
      const n = await notification(s, (x) => x.messageId === m1.id, mark);
      expect(n.kind).toBe('mention');

      // Big group (more than GROUP_MAX members): plain messages notify nobody, even away users.
      mark = s.mark();
      await send(a, big, 'to everyone, nobody is notified');
      const m3 = await send(a, big, `only @${c.username} and @${b.username}`);
      const n3 = await notification(s, (x) => x.messageId === m3.id, mark);
      expect(n3.kind).toBe('mention');
      expect(notificationsSince(s, mark).map((x) => x.messageId)).toEqual([m3.id]);
      await settled();
      expect((await list(c)).notifications.filter((x) => x.conversationId === big).map((x) => [x.kind, x.messageId])).toEqual([
        ['mention', m3.id],
        ['added', null],
      ]);
      expect((await list(d)).notifications.filter((x) => x.kind !== 'added')).toEqual([]);
    });

    it('being added to a group notifies; the creator is not notified', async () => {
      const [a, b, c] = await registerUsers(n1.url, 3, 'added');
      const s = await online(c);
      const conv = await group(a, [b], 'Study group');
      await settled();
      expect((await list(b)).notifications).toMatchObject([{ kind: 'added', conversationId: conv, conversationTitle: 'Study group', messageId: null, preview: '' }]);
      expect((await list(a)).notifications).toEqual([]);
      const mark = s.mark();
      await a.api.post(`/api/conversations/${conv}/members`, { userIds: [c.id] });
      const n = await notification(s, (x) => x.kind === 'added', mark);
      expect(n).toMatchObject({ conversationId: conv, actor: { id: a.id } });
    });

    it('mute (members only) silences message notifications; a block silences everything from that user', async () => {
      const [a, b, x] = await registerUsers(n1.url, 3, 'mute');
      const [muted, loud] = [await group(a, [b]), await group(a, [b])];
      expect((await b.api.get(`/api/conversations/${muted}/mute`)).body).toEqual({ muted: false });
      expect((await b.api.raw('PUT', `/api/conversations/${muted}/mute`, { json: { muted: true } })).body).toEqual({ muted: true });
      expect((await b.api.get(`/api/conversations/${muted}/mute`)).body).toEqual({ muted: true });
      expect((await x.api.get(`/api/conversations/${muted}/mute`)).status).toBe(404);
      expect((await x.api.raw('PUT', `/api/conversations/${muted}/mute`, { json: { muted: true } })).status).toBe(404);
      expect((await b.api.raw('PUT', `/api/conversations/${muted}/mute`, { json: { muted: 'yes' } })).status).toBe(400);

      await send(a, muted, 'muted, no notification');
      const m2 = await send(a, loud, 'loud');
      await settled();
      expect((await list(b)).notifications.filter((n) => n.kind === 'message').map((n) => n.messageId)).toEqual([m2.id]);

      // b blocks a: a's messages in shared groups notify b no more.
      await b.api.post('/api/blocks', { userId: a.id });
      await send(a, loud, `blocked, even with @${b.username}`);
      await settled();
      expect((await list(b)).notifications.filter((n) => n.kind === 'message' || n.kind === 'mention').map((n) => n.messageId)).toEqual([m2.id]);
    });

    it('bad input changes nothing: unknown or foreign ids, bad cursors, non-member focus, insecure push endpoints', async () => {
      const [a, b, x] = await registerUsers(n1.url, 3, 'bad');
      const conv = await direct(a, b);
      await send(a, conv, 'one');
      await settled();
      const [mine] = (await list(b)).notifications as [Frame];
      expect((await x.api.post(`/api/notifications/${mine.id}/read`)).status).toBe(404);
      expect((await b.api.post('/api/notifications/no-such-id/read')).status).toBe(404);
      expect((await b.api.post('/api/notifications/bad id!/read')).status).toBe(400);
      expect((await b.api.get('/api/notifications?cursor=nonsense')).status).toBe(400);
      expect((await b.api.get('/api/notifications?limit=0')).status).toBe(400);
      expect((await b.api.post('/api/notifications/read-all', { conversationId: 'bad id!' })).status).toBe(400);
      expect((await x.api.post('/api/notifications/read-all', {})).body.unreadCount).toBe(0);
      expect((await list(b)).unreadCount).toBe(1);
      expect((await call(n1.url, 'GET', '/api/notifications')).status).toBe(401);

      const s = await online(x);
      const refused = await s.request('focus', { conversationId: conv });
      expect(refused.error.code).toBe('NOT_FOUND');
      expect((await s.request('focus', {})).error.code).toBe('BAD_REQUEST');
      expect((await s.request('focus', { conversationId: 42 })).error.code).toBe('BAD_REQUEST');

      const keys = { p256dh: 'B'.repeat(87), auth: 'A'.repeat(22) };
      for (const endpoint of ['http://push.example.com/x', 'https://metadata.google.internal/x', 'https://redis.internal:6379/', 'https://push.example.com:6379/x', 'https://127.0.0.1/x', 'https://localhost/x', 'https://[::1]/x', 'ftp://push.example.com/x', 'not a url']) {
        const res = await b.api.post('/api/push/subscriptions', { endpoint, keys });
        expect(res.status, endpoint).toBe(400);
      }
      expect((await b.api.post('/api/push/subscriptions', { endpoint: 'https://push.example.com/x', keys: { p256dh: 'short', auth: 'A'.repeat(22) } })).status).toBe(400);
      expect(await cluster.store.notifications.pushSubscriptionsOf([b.id])).toEqual([]);
      expect((await b.api.delete('/api/push/subscriptions?endpoint=https%3A%2F%2Fpush.example.com%2Funknown')).status).toBe(204);
    });

    it('the VAPID public key is served to users and stable across nodes sharing a data dir', async () => {
      const [a] = await registerUsers(n1.url, 1, 'vapid');
      const k1 = await a.api.get('/api/push/vapid-key');
      expect(k1.status).toBe(200);
      expect(k1.body.publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
      expect((await call(n2.url, 'GET', '/api/push/vapid-key', { token: a.token })).body.publicKey).toBe(k1.body.publicKey);
      expect((await call(n1.url, 'GET', '/api/push/vapid-key')).status).toBe(401);
    });
  });
}

notificationsSuite('sqlite', async () => ({ cleanup: async () => {} }));

const reachable = await postgresReachable();
describeWithPostgres('notifications (postgres)', reachable, () => {
  notificationsSuite('postgres', () => postgresTestStore(6));
});
