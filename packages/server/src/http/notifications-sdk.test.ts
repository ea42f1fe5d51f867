/**
 * Notifications through the SDK, on SQLite and PostgreSQL: the `notification` event
 * with the unread count, focus() silencing the conversation it names (and surviving a
 * reconnect), typed list/read/mute/push calls, and typed errors for bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ConversationId, NotificationPush, UserId } from '@parley/protocol';
import { ParleyClient } from '../../../client/src/client';
import type { WebSocketCtor } from '../../../client/src/connection';
import { ParleyError } from '../../../client/src/parley-error';
import type { Store } from '../store/port';
import { describeWithPostgres, postgresReachable, postgresTestStore } from '../store/postgres/test-support';
import { startTestServer, type TestNode } from '../testing';
import { testRateLimits, uniqueName, PASSWORD } from '../test-support/users';

type Server = TestNode & { store: Store; close(): Promise<void> };

const codeOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e: unknown) => (e instanceof ParleyError ? e.code : String(e)));

/** Collects a client's notification events; waits for one matching (deadline-based). */
function notifications(c: ParleyClient) {
  const seen: NotificationPush[] = [];
  const waiters: { pred: (n: NotificationPush) => boolean; resolve: (n: NotificationPush) => void }[] = [];
  c.on('notification', (n) => {
    seen.push(n);
    for (const w of [...waiters]) {
      if (!w.pred(n)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(n);
    }
  });
  return {
    seen,
    mark: () => seen.length,
    wait(pred: (n: NotificationPush) => boolean, from = 0): Promise<NotificationPush> {
      const hit = seen.slice(from).find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no notification; saw ${JSON.stringify(seen)}`)), 20_000);
        waiters.push({ pred, resolve: (n) => (clearTimeout(t), resolve(n)) });
      });
    },
  };
}

function sdkSuite(backend: string, makeStore: () => Promise<{ store?: Store; cleanup: () => Promise<void> }>) {
  describe(`notifications through the SDK (${backend})`, () => {
    let server: Server;
    let cleanup: () => Promise<void>;
    const clients: ParleyClient[] = [];

    const client = async () => {
      const c = new ParleyClient({ baseUrl: server.url, WebSocket: WebSocket as unknown as WebSocketCtor, reconnect: { minDelayMs: 10, maxDelayMs: 50 } });
      await c.register({ username: uniqueName('sdkntf'), password: PASSWORD });
      await c.connect();
      clients.push(c);
      return c;
    };
    const idOf = (c: ParleyClient) => c.user!.id as UserId;

    beforeAll(async () => {
      const made = await makeStore();
      cleanup = made.cleanup;
      server = await startTestServer({ ...(made.store ? { store: made.store } : {}), config: { rateLimits: testRateLimits() } });
    });
    afterAll(async () => {
      for (const c of clients) c.disconnect();
      await server.close();
      await cleanup();
    });

    it('notification events carry the unread count; focus() silences its conversation, also after a reconnect', async () => {
      const [alice, bob] = [await client(), await client()];
      const bobs = notifications(bob);
      const direct = (await alice.request('createDirect', { body: { userId: idOf(bob) } })).conversation.id as ConversationId;
      const group = (await alice.request('createGroup', { body: { title: 'Club', memberIds: [idOf(bob)] } })).conversation.id as ConversationId;
      const added = await bobs.wait((n) => n.notification?.kind === 'added');
      expect(added.notification).toMatchObject({ conversationId: group, conversationTitle: 'Club' });
      expect((await bob.request('markAllNotificationsRead', { body: {} })).unreadCount).toBe(0);

      let mark = bobs.mark();
      const m1 = await alice.send(direct, { kind: 'text', content: { body: 'first' } }).done;
      const n1 = await bobs.wait((n) => n.notification?.messageId === m1.id, mark);
      expect(n1.unreadCount).toBe(1);

      // Focusing the direct conversation reads its notification and silences it.
      await bob.focus(direct);
      // Reconnect: the new connection is told the focus again before the client is online.
      bob.disconnect();
      await bob.connect();
      mark = bobs.mark();
      await alice.send(direct, { kind: 'text', content: { body: 'while you look' } }).done;
      const m3 = await alice.send(group, { kind: 'text', content: { body: 'elsewhere' } }).done;
      await bobs.wait((n) => n.notification?.messageId === m3.id, mark);
      await server.app.services.notifications.idle();
      expect(bobs.seen.slice(mark).flatMap((n) => (n.notification ? [n.notification.messageId] : []))).toEqual([m3.id]);

      const page = await bob.request('listNotifications', { query: { limit: 10 } });
      expect(page.notifications.map((n) => [n.kind, n.messageId, n.readAt === null])).toEqual([
        ['message', m3.id, true],
        ['message', m1.id, false],
        ['added', null, false],
      ]);
      expect(page.unreadCount).toBe(1);
      expect((await bob.request('markNotificationRead', { params: { notificationId: page.notifications[0]!.id } })).unreadCount).toBe(0);
    });

    it('mute, VAPID key and subscriptions through typed calls; typed errors for bad input', async () => {
      const [alice, bob, eve] = [await client(), await client(), await client()];
      const direct = (await alice.request('createDirect', { body: { userId: idOf(bob) } })).conversation.id as ConversationId;
      expect(await bob.request('setMute', { params: { id: direct }, body: { muted: true } })).toEqual({ muted: true });
      expect(await bob.request('getMute', { params: { id: direct } })).toEqual({ muted: true });
      expect(await codeOf(eve.request('getMute', { params: { id: direct } }))).toBe('NOT_FOUND');
      expect(await codeOf(eve.focus(direct))).toBe('NOT_FOUND');
      expect(await codeOf(eve.request('markNotificationRead', { params: { notificationId: 'nope' } }))).toBe('NOT_FOUND');

      expect((await bob.request('vapidKey')).publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
      const keys = { p256dh: 'B'.repeat(87), auth: 'A'.repeat(22) };
      await bob.request('addPushSubscription', { body: { endpoint: 'https://push.example.com/sub/1', keys } });
      expect((await server.store.notifications.pushSubscriptionsOf([idOf(bob)])).map((s) => s.endpoint)).toEqual(['https://push.example.com/sub/1']);
      expect(await codeOf(bob.request('addPushSubscription', { body: { endpoint: 'http://push.example.com/sub/2', keys } }))).toBe('BAD_REQUEST');
      await bob.request('removePushSubscription', { query: { endpoint: 'https://push.example.com/sub/1' } });
      expect(await server.store.notifications.pushSubscriptionsOf([idOf(bob)])).toEqual([]);
    });
  });
}

sdkSuite('sqlite', async () => ({ cleanup: async () => {} }));

const reachable = await postgresReachable();
describeWithPostgres('notifications through the SDK (postgres)', reachable, () => {
  sdkSuite('postgres', postgresTestStore);
});
