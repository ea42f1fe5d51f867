/**
 * Browser push end to end, on SQLite and PostgreSQL: subscriptions made like a browser
 * makes them (a P-256 key pair and a 16-byte auth secret), a local HTTP endpoint in
 * place of the push service that decrypts the aes128gcm body with those keys, and the
 * VAPID Authorization header checked. Pushed while the user has no socket; not while a
 * socket is open; not for a muted conversation; a 410 deletes the subscription.
 *
 * "Not pushed" is asserted with a barrier: the pushes of one user are sent in order,
 * so once a later push arrived, an earlier one that was due would have arrived first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestNode } from '../testing';
import type { Store } from '../store/port';
import { RawSocket } from '../test-support/ws-client';
import { registerUsers, testRateLimits, type TestUser } from '../test-support/users';
import { PushEndpoint, type TestSubscription } from '../test-support/push-endpoint';
import { describeWithPostgres, postgresReachable, postgresTestStore } from '../store/postgres/test-support';

type Factory = () => Promise<{ store?: Store; cleanup: () => Promise<void> }>;

function pushSuite(backend: string, factory: Factory) {
  describe(`browser push (${backend})`, () => {
    let node: TestNode & { store: Store };
    let endpoint: PushEndpoint;
    let cleanup: () => Promise<void>;
    let k = 0;
    const cmid = () => `push-${++k}`;

    beforeAll(async () => {
      const made = await factory();
      cleanup = made.cleanup;
      endpoint = await PushEndpoint.start();
      node = await startTestServer({
        config: {
          rateLimits: testRateLimits(),
          notifications: { groupMax: 50, vapidPublicKey: null, vapidPrivateKey: null, vapidSubject: 'mailto:test@parley.invalid', pushAllowInsecure: true },
        },
        ...(made.store ? { store: made.store } : {}),
      });
    });
    afterAll(async () => {
      await node.close();
      await endpoint.close();
      await cleanup();
    });

    const settled = () => node.app.services.notifications.idle();
    const subscribe = async (u: TestUser): Promise<TestSubscription> => {
      const sub = endpoint.subscription();
      const res = await u.api.post('/api/push/subscriptions', { ...sub, expirationTime: null });
      expect(res.status).toBe(204);
      return sub;
    };
    const send = async (from: TestUser, conv: string, body: string) => {
      const res = await from.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: cmid(), kind: 'text', content: { body } });
      expect(res.status).toBe(201);
      return res.body.message as { id: string; seq: number; createdAt: number };
    };
    const pushedTo = (sub: TestSubscription, messageId: string) => endpoint.waitFor((p) => sub.endpoint.endsWith(p.path) && p.payload.messageId === messageId);
    const pushesOf = (sub: TestSubscription) => endpoint.received.filter((p) => sub.endpoint.endsWith(p.path)).map((p) => p.payload.messageId as string);
    /** Presence is updated once the server has handled the close; wait for it (deadline-based). */
    const offline = async (u: TestUser) => {
      const deadline = Date.now() + 20_000;
      while ((await node.app.services.deps.presence.onlineAmong([u.id])).size > 0) {
        if (Date.now() > deadline) throw new Error('still online');
        await new Promise((r) => setTimeout(r, 10));
      }
    };

    it('pushes a new message to a user with no socket, encrypted for the subscription and VAPID-signed', async () => {
      const [a, b] = await registerUsers(node.url, 2, 'away');
      const sub = await subscribe(b);
      const conv = (await a.api.post('/api/conversations/direct', { userId: b.id })).body.conversation.id as string;
      const m = await send(a, conv, 'are you coming tonight?');
      const push = await pushedTo(sub, m.id);
      expect(push.payload).toEqual({
        type: 'message',
        conversationId: conv,
        messageId: m.id,
        conversationTitle: null,
        senderName: a.username,
        preview: 'are you coming tonight?',
        mention: false,
        sentAt: m.createdAt,
      });
      const { publicKey } = (await b.api.get('/api/push/vapid-key')).body as { publicKey: string };
      expect(push.headers.authorization).toMatch(new RegExp(`^vapid t=[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+, k=${publicKey}$`));
      expect(push.headers['content-encoding']).toBe('aes128gcm');
      expect(Number(push.headers.ttl)).toBeGreaterThan(0);
      expect(push.headers.topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/);

      // A group mention says so and names the group.
      const g = (await a.api.post('/api/conversations/group', { title: 'Team', memberIds: [b.id] })).body.conversation.id as string;
      const m2 = await send(a, g, `@${b.username} please review`);
      expect((await pushedTo(sub, m2.id)).payload).toMatchObject({ conversationTitle: 'Team', mention: true, preview: `@${b.username} please review` });
    });

    it('does not push while a socket of the user is open', async () => {
      const [a, b] = await registerUsers(node.url, 2, 'online');
      const sub = await subscribe(b);
      const conv = (await a.api.post('/api/conversations/direct', { userId: b.id })).body.conversation.id as string;
      const s = await RawSocket.connect(node.wsUrl, b.token);
      const seen = await send(a, conv, 'you are online, no push');
      await s.waitEvent(conv, 'message.created');
      // Decided (after the commit, off the send path) while the socket is still open.
      await settled();
      await s.close();
      await offline(b);
      const m = await send(a, conv, 'now you are away');
      await pushedTo(sub, m.id);
      expect(pushesOf(sub)).toEqual([m.id]);
      expect(pushesOf(sub)).not.toContain(seen.id);
    });

    it('does not push for a muted conversation', async () => {
      const [a, b] = await registerUsers(node.url, 2, 'muted');
      const sub = await subscribe(b);
      const muted = (await a.api.post('/api/conversations/group', { title: 'Noisy', memberIds: [b.id] })).body.conversation.id as string;
      const loud = (await a.api.post('/api/conversations/direct', { userId: b.id })).body.conversation.id as string;
      expect((await b.api.raw('PUT', `/api/conversations/${muted}/mute`, { json: { muted: true } })).status).toBe(200);
      await send(a, muted, 'muted: no push');
      const m = await send(a, loud, 'not muted: push');
      await pushedTo(sub, m.id);
      expect(pushesOf(sub)).toEqual([m.id]);
    });

    it('deletes a subscription the push service answers 410 for, and one the user removes', async () => {
      const [a, b] = await registerUsers(node.url, 2, 'gone');
      const expired = await subscribe(b);
      const kept = await subscribe(b);
      endpoint.answer(expired, 410);
      const conv = (await a.api.post('/api/conversations/direct', { userId: b.id })).body.conversation.id as string;
      const m = await send(a, conv, 'one of your browsers is gone');
      await pushedTo(kept, m.id);
      await settled();
      expect((await node.store.notifications.pushSubscriptionsOf([b.id])).map((s) => s.endpoint)).toEqual([kept.endpoint]);

      expect((await b.api.delete(`/api/push/subscriptions?endpoint=${encodeURIComponent(kept.endpoint)}`)).status).toBe(204);
      expect(await node.store.notifications.pushSubscriptionsOf([b.id])).toEqual([]);
    });
  });
}

pushSuite('sqlite', async () => ({ cleanup: async () => {} }));

const reachable = await postgresReachable();
describeWithPostgres('browser push (postgres)', reachable, () => {
  pushSuite('postgres', postgresTestStore);
});
