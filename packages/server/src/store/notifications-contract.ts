/**
 * The notifications contract: Store.notifications, run against every adapter
 * (sqlite/sqlite-notifications.test.ts, postgres/postgres-notifications.test.ts). Speaks
 * only through the port; fresh ids per test, so tests do not depend on each other's order.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ClientMessageId, ConversationId, Message, MessageId, UserId } from '@parley/protocol';
import { StoreError, type Store } from './port';
import { openForSuite, type StoreFactory } from './contract';
import type { NewNotification } from './notifications-port';
import { textEdit, textMessage, textSend } from '../test-support/text-content';

const T0 = 1_700_000_000_000;

export function notificationsContract(name: string, factory: StoreFactory): void {
  describe(`Notifications contract: ${name}`, () => {
    let store!: Store;
    openForSuite(factory, (s) => (store = s));

    const fresh = (prefix: string) => `${prefix}${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    async function user(displayName = 'U'): Promise<UserId> {
      const id = fresh('u') as UserId;
      await store.createUser({ id, username: id.toLowerCase(), displayName, passwordHash: 'h', createdAt: T0 });
      return id;
    }
    async function group(owner: UserId, members: UserId[], title = 'G'): Promise<ConversationId> {
      return (await store.createGroup({ id: fresh('c') as ConversationId, ownerId: owner, title, memberIds: members, maxMembers: 100, at: T0 })).conversation.id;
    }
    async function send(conversationId: ConversationId, senderId: UserId, body: string, at = T0 + 1): Promise<Message> {
      const [r] = await store.appendMessages([{ conversationId, senderId, clientMessageId: fresh('k') as ClientMessageId, messageId: fresh('m') as MessageId, ...textSend(body), at }]);
      if (!r?.ok) throw new Error('send failed');
      return r.message;
    }
    const about = (userId: UserId, m: Message, kind: NewNotification['kind'] = 'message', at = m.createdAt): NewNotification => ({
      id: fresh('n'),
      userId,
      kind,
      conversationId: m.conversationId,
      message: { id: m.id, seq: m.seq, createdAt: m.createdAt },
      actorId: m.senderId,
      at,
    });
    const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: unknown) => (e instanceof StoreError ? e.code : String(e)));
    const n = () => store.notifications;

    it('stores a batch once, skips repeats and unknown users or conversations', async () => {
      const [a, b] = [await user('Alice'), await user()];
      const c = await group(a, [b]);
      const m = await send(c, a, 'hello there');
      const first = about(b, m);
      const ghost = { ...about(b, m), id: fresh('n'), userId: 'nobody' as UserId };
      const nowhere = { ...about(b, m), id: fresh('n'), conversationId: 'nowhere' as ConversationId };
      expect(await n().createNotifications([first, ghost, nowhere])).toEqual([first.id]);
      expect(await n().createNotifications([first])).toEqual([]);
      const [rec] = await n().getNotifications(b, [first.id]);
      expect(rec).toMatchObject({ id: first.id, userId: b, kind: 'message', conversationId: c, conversationKind: 'group', conversationTitle: 'G', messageId: m.id, seq: m.seq, message: textMessage('hello there'), count: 1, readAt: null });
      expect(rec?.actor).toMatchObject({ id: a, displayName: 'Alice' });
      // Someone else's id is not mine to read.
      expect(await n().getNotifications(a, [first.id])).toEqual([]);
    });

    it('lists newest first in keyset pages; the message follows edits and deletes', async () => {
      const [a, b] = [await user(), await user()];
      const c = await group(a, [b]);
      const msgs = [];
      for (let i = 0; i < 5; i++) msgs.push(await send(c, a, `message number ${i}`, T0 + 10 + i));
      const items = msgs.map((m) => about(b, m));
      await n().createNotifications(items);
      const page1 = await n().listNotifications({ userId: b, limit: 2, unreadOnly: false });
      expect(page1.map((r) => r.messageId)).toEqual([msgs[4]!.id, msgs[3]!.id]);
      expect(page1[0]!.message).toEqual(textMessage('message number 4'));
      const last = page1[1]!;
      const page2 = await n().listNotifications({ userId: b, limit: 10, unreadOnly: false, cursor: { at: last.createdAt, id: last.id } });
      expect(page2.map((r) => r.messageId)).toEqual([msgs[2]!.id, msgs[1]!.id, msgs[0]!.id]);

      await store.editMessage({ conversationId: c, messageId: msgs[4]!.id, actorId: a, ...textEdit('edited text'), at: T0 + 50 });
      await store.deleteMessageForEveryone({ conversationId: c, messageId: msgs[3]!.id, actorId: a, at: T0 + 51 });
      await store.hideMessage({ conversationId: c, messageId: msgs[2]!.id, userId: b, at: T0 + 52 });
      const again = await n().listNotifications({ userId: b, limit: 3, unreadOnly: false });
      expect(again.map((r) => r.message)).toEqual([textMessage('edited text'), null, null]);
    });

    it('counts unread with a cap, marks one or all (or one conversation) read, only mine', async () => {
      const [a, b] = [await user(), await user()];
      const [c1, c2] = [await group(a, [b]), await group(a, [b])];
      const m1 = await send(c1, a, 'one');
      const m2 = await send(c1, a, 'two');
      const m3 = await send(c2, a, 'three');
      const [n1, n2, n3] = [about(b, m1), about(b, m2), about(b, m3)];
      await n().createNotifications([n1, n2, n3]);
      expect(await n().unreadCounts([a, b], 100)).toEqual(new Map([[b, 3]]));
      expect(await n().unreadCounts([b], 2)).toEqual(new Map([[b, 2]]));

      expect(await n().markRead({ userId: a, id: n1.id, at: T0 + 100 })).toBe(false);
      expect(await n().markRead({ userId: b, id: n1.id, at: T0 + 100 })).toBe(true);
      expect(await n().markRead({ userId: b, id: n1.id, at: T0 + 200 })).toBe(true);
      expect((await n().getNotifications(b, [n1.id]))[0]?.readAt).toBe(T0 + 100);
      expect(await n().markRead({ userId: b, id: 'unknown', at: T0 })).toBe(false);

      const unread = await n().listNotifications({ userId: b, limit: 10, unreadOnly: true });
      expect(unread.map((r) => r.id).sort()).toEqual([n2.id, n3.id].sort());
      expect(await n().markAllRead({ userId: b, conversationId: c2, at: T0 + 300 })).toBe(1);
      expect(await n().unreadCounts([b], 100)).toEqual(new Map([[b, 1]]));
      expect(await n().markAllRead({ userId: b, at: T0 + 400 })).toBe(1);
      expect(await n().markAllRead({ userId: b, at: T0 + 500 })).toBe(0);
      expect(await n().unreadCounts([b], 100)).toEqual(new Map());
    });

    it('merges an item into the stored notification of its id when about a later message; repeats and older ones change nothing', async () => {
      const [a, b, c] = [await user('Alice'), await user('Bob'), await user()];
      const g = await group(a, [b, c]);
      const [m1, m2, m3, m4] = [await send(g, a, 'one', T0 + 1), await send(g, b, 'two', T0 + 2), await send(g, a, 'three', T0 + 3), await send(g, a, 'four', T0 + 4)];
      const id = fresh('n');
      const notice = (m: Message, count?: number): NewNotification => ({ ...about(c, m), id, ...(count ? { count } : {}) });
      expect(await n().createNotifications([notice(m1)])).toEqual([id]);
      expect((await n().getNotifications(c, [id]))[0]).toMatchObject({ messageId: m1.id, count: 1, readAt: null });
      // A later message (two at once, as a batch merges them): latest message, actor and time, counts add up.
      expect(await n().createNotifications([notice(m3, 2)])).toEqual([id]);
      const [merged] = await n().getNotifications(c, [id]);
      expect(merged).toMatchObject({ messageId: m3.id, seq: m3.seq, message: textMessage('three'), count: 3, createdAt: m3.createdAt, readAt: null });
      expect(merged?.actor?.id).toBe(a);
      // The same message again, or an older one: nothing changes, nothing reported.
      expect(await n().createNotifications([notice(m3), notice(m2)])).toEqual([]);
      expect((await n().getNotifications(c, [id]))[0]).toMatchObject({ messageId: m3.id, count: 3 });
      expect(await n().listNotifications({ userId: c, limit: 10, unreadOnly: false })).toHaveLength(1);
      expect(await n().unreadCounts([c], 100)).toEqual(new Map([[c, 1]]));

      // Read, then a new message: unread again, counting from one.
      await n().markAllRead({ userId: c, conversationId: g, at: T0 + 10 });
      expect(await n().createNotifications([notice(m4)])).toEqual([id]);
      expect((await n().getNotifications(c, [id]))[0]).toMatchObject({ messageId: m4.id, count: 1, readAt: null });
      // One id twice in a call: stored in order, the second merged into the first.
      const twice = fresh('n');
      expect(await n().createNotifications([{ ...about(b, m1), id: twice }, { ...about(b, m3), id: twice }])).toEqual([twice]);
      expect((await n().getNotifications(b, [twice]))[0]).toMatchObject({ messageId: m3.id, count: 2 });
      // An id that is someone else's is never merged into.
      expect(await n().createNotifications([{ ...about(a, m4), id: twice }])).toEqual([]);
      expect(await n().getNotifications(a, [twice])).toEqual([]);
    });

    it('hides title and preview once the owner left the conversation', async () => {
      const [a, b] = [await user(), await user()];
      const c = await group(a, [b], 'Secret plans');
      const m = await send(c, a, 'the plan');
      const item = about(b, m, 'mention');
      await n().createNotifications([item]);
      await store.removeMember({ conversationId: c, actorId: b, userId: b, at: T0 + 5 });
      const [rec] = await n().getNotifications(b, [item.id]);
      expect(rec).toMatchObject({ kind: 'mention', conversationTitle: null, message: null });
    });

    it('mute is a flag on the membership', async () => {
      const [a, b, outsider] = [await user(), await user(), await user()];
      const c = await group(a, [b]);
      expect(await n().isMuted(c, b)).toBe(false);
      await n().setMuted({ conversationId: c, userId: b, muted: true });
      expect(await n().isMuted(c, b)).toBe(true);
      expect(await n().isMuted(c, outsider)).toBeNull();
      expect(await code(n().setMuted({ conversationId: c, userId: outsider, muted: true }))).toBe('NOT_MEMBER');
      expect(await code(n().setMuted({ conversationId: 'nowhere' as ConversationId, userId: b, muted: true }))).toBe('NOT_FOUND');
      const d = (await store.getOrCreateDirect({ id: fresh('c') as ConversationId, a, b: outsider, at: T0 })).conversation.id;
      const audiences = await n().audiences([c, d, 'nowhere' as ConversationId, c], 10);
      expect([...audiences.keys()].sort()).toEqual([c, d].sort());
      const audience = audiences.get(c);
      expect(audience?.kind).toBe('group');
      expect(audience?.memberCount).toBe(2);
      expect(audience?.members?.find((m) => m.userId === b)?.muted).toBe(true);
      expect(audiences.get(d)).toMatchObject({ kind: 'direct', memberCount: 2 });
      expect(audiences.get(d)?.members?.map((m) => m.userId).sort()).toEqual([a, outsider].sort());
      // Over the limit: the count alone; a big group's notifications never list its members.
      const capped = await n().audiences([c, d], 1);
      expect(capped.get(c)?.members).toBeNull();
      expect(capped.get(d)?.members).toBeNull();
      expect((await n().audiences([], 10)).size).toBe(0);
      const bName = (await store.getUser(b))!.username;
      expect(await n().membersByUsername(c, [bName, 'nobody-here'])).toEqual([{ userId: b, username: bName, muted: true, visibleFromSeq: 1 }]);
      // Leaving ends the mute with the membership.
      await store.removeMember({ conversationId: c, actorId: b, userId: b, at: T0 + 5 });
      await store.addMembers({ conversationId: c, actorId: a, userIds: [b], maxMembers: 10, at: T0 + 6 });
      expect(await n().isMuted(c, b)).toBe(false);
    });

    it('push subscriptions are keyed by endpoint and deleted by owner or by endpoint', async () => {
      const [a, b] = [await user(), await user()];
      const e1 = `https://push.example.com/${fresh('e')}`;
      const e2 = `https://push.example.com/${fresh('e')}`;
      await n().savePushSubscription({ endpoint: e1, userId: a, p256dh: 'k1', auth: 'a1', createdAt: T0 });
      await n().savePushSubscription({ endpoint: e2, userId: a, p256dh: 'k2', auth: 'a2', createdAt: T0 + 1 });
      expect((await n().pushSubscriptionsOf([a])).map((s) => s.endpoint)).toEqual([e1, e2]);
      // The same endpoint registered by another user moves to them.
      await n().savePushSubscription({ endpoint: e1, userId: b, p256dh: 'k3', auth: 'a3', createdAt: T0 + 2 });
      expect((await n().pushSubscriptionsOf([a])).map((s) => s.endpoint)).toEqual([e2]);
      expect(await n().pushSubscriptionsOf([b])).toEqual([{ endpoint: e1, userId: b, p256dh: 'k3', auth: 'a3', createdAt: T0 + 2 }]);
      expect(await n().deletePushSubscription({ userId: a, endpoint: e1 })).toBe(false);
      expect(await n().deletePushSubscription({ userId: b, endpoint: e1 })).toBe(true);
      await n().deletePushEndpoint(e2);
      expect(await n().pushSubscriptionsOf([a, b])).toEqual([]);
      expect(await code(n().savePushSubscription({ endpoint: e1, userId: 'nobody' as UserId, p256dh: 'k', auth: 'a', createdAt: T0 }))).toBe('NOT_FOUND');
    });
  });
}
