/**
 * The privacy and maintenance contract: Store.privacy and Store.maintenance against
 * every adapter (sqlite-privacy.test.ts, postgres-privacy.test.ts). Speaks only through
 * the port. Retention runs with explicit times far from other tests' messages.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConversationEventSchema, type AttachmentId, type ClientMessageId, type ConversationId, type MessageId, type UserId } from '@parley/protocol';
import type { SendInput, Store } from './port';
import { openForSuite, type StoreFactory } from './contract';
import { DAY_MS } from './maintenance-port';
import { DELETED_TEXT, bodyOf, textEdit, textSend } from '../test-support/text-content';

export function privacyContract(name: string, factory: StoreFactory): void {
  describe(`Privacy and maintenance contract: ${name}`, () => {
    let store!: Store;
    openForSuite(factory, (s) => (store = s));

    const fresh = (prefix: string) => `${prefix}${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    async function user(at = 1_700_000_000_000, displayName = 'Someone'): Promise<UserId> {
      const id = fresh('u') as UserId;
      await store.createUser({ id, username: id.toLowerCase(), displayName, passwordHash: 'h', createdAt: at });
      return id;
    }
    async function group(owner: UserId, members: UserId[], at: number): Promise<ConversationId> {
      const id = fresh('c') as ConversationId;
      await store.createGroup({ id, ownerId: owner, title: 'G', memberIds: members, maxMembers: 100, at });
      return id;
    }
    async function send(conversationId: ConversationId, senderId: UserId, body: string, at: number, { title = null, ...extra }: Partial<SendInput> & { title?: string | null } = {}) {
      const [r] = await store.appendMessages([
        { conversationId, senderId, clientMessageId: fresh('k') as ClientMessageId, messageId: fresh('m') as MessageId, ...textSend(body, title), at, ...extra },
      ]);
      if (!r?.ok) throw new Error('send failed');
      return r.message;
    }
    const gapless = (seqs: number[], from = 1) => expect(seqs).toEqual(seqs.map((_, i) => i + from));

    it('erases in one go: tombstones, blanked log, leaves with hand-over, placeholder user, per-user data gone', async () => {
      const at = 1_700_000_000_000;
      const [a, b, c] = [await user(at, 'Real Name'), await user(), await user()];
      const g = await group(a, [b, c], at);
      const direct = fresh('c') as ConversationId;
      await store.getOrCreateDirect({ id: direct, a, b, at });
      const m1 = await send(g, a, 'secret one', at + 1, { title: 'secret title' });
      await store.editMessage({ conversationId: g, messageId: m1.id, actorId: a, ...textEdit('secret edited'), at: at + 2 });
      const m2 = await send(direct, a, 'secret two', at + 3);
      const gone = await send(g, a, 'already deleted', at + 4);
      await store.deleteMessageForEveryone({ conversationId: g, messageId: gone.id, actorId: a, at: at + 5 });
      const keep = await send(g, b, 'b keeps this', at + 6);
      await store.hideMessage({ conversationId: g, messageId: keep.id, userId: a, at: at + 7 });
      await store.insertRefreshToken({ id: fresh('t'), userId: a, familyId: 'f', tokenHash: fresh('h'), expiresAt: at + DAY_MS, usedAt: null, revokedAt: null, createdAt: at });
      const file = fresh('a') as AttachmentId;
      await store.attachments.reserve({ id: file, ownerId: a, name: 'cv.pdf', reservedBytes: 5, quotaBytes: 100, at });
      await store.attachments.complete({ id: file, size: 5, contentType: 'application/pdf', kind: 'file', width: null, height: null, hasThumbnail: false });
      await send(g, a, 'with file', at + 8, { attachmentIds: [file] });
      // My notifications and push subscriptions go; b's notification about my message stays (its preview is blank).
      const note = (userId: UserId, m: typeof keep) => ({
        id: fresh('n'), userId, kind: 'message' as const, conversationId: g, message: { id: m.id, seq: m.seq, createdAt: m.createdAt }, actorId: m.senderId, at: at + 9,
      });
      const [mine, theirs] = [note(a, keep), note(b, m1)];
      expect(await store.notifications.createNotifications([mine, theirs])).toEqual([mine.id, theirs.id]);
      const push = { endpoint: `https://push.example/${fresh('e')}`, p256dh: 'k', auth: 's', createdAt: at };
      await store.notifications.savePushSubscription({ ...push, userId: a });
      await store.notifications.savePushSubscription({ ...push, endpoint: `${push.endpoint}-b`, userId: b });
      const before = (await store.getUser(a))!;
      const [beforeAccess] = await store.accessStates([a]);

      const result = await store.privacy.eraseUser({ userId: a, at: at + 10, username: `Deleted-${a}`, displayName: 'Deleted account' });
      for (const e of result.events) ConversationEventSchema.parse(e);
      const inGroup = result.events.filter((e) => e.conversationId === g).map((e) => e.type);
      expect(inGroup).toEqual(['message.deleted', 'message.deleted', 'member.left', 'member.role']);
      expect(result.events.find((e) => e.type === 'member.role')).toMatchObject({ userId: b, role: 'owner' });
      expect(result.events.filter((e) => e.conversationId === direct).map((e) => e.type)).toEqual(['message.deleted', 'member.left']);
      expect(result.detachedFiles).toBe(1);

      expect(await store.getMember(g, a)).toBeNull();
      expect(await store.getMember(direct, a)).toBeNull();
      expect((await store.getMember(g, b))!.role).toBe('owner');
      expect(await store.listConversationIds(a)).toEqual([]);
      for (const [conv, id] of [[g, m1.id], [direct, m2.id]] as const) {
        expect(await store.getMessage(conv, id)).toMatchObject({ ...DELETED_TEXT, senderId: a });
        expect((await store.getMessage(conv, id))!.deletedAt).not.toBeNull();
      }
      expect(bodyOf((await store.getMessage(g, keep.id))!)).toBe('b keeps this');
      for (const conv of [g, direct]) {
        const { events } = await store.eventsAfter(conv, 0, 100);
        gapless(events.map((e) => e.seq));
        expect(JSON.stringify(events)).not.toMatch(/secret|Real Name|cv\.pdf/);
      }
      const u = (await store.getUser(a))!;
      expect(u).toMatchObject({ username: `Deleted-${a}`, displayName: 'Deleted account', avatarUrl: null });
      expect(u.sessionVersion).toBeGreaterThan(before.sessionVersion);
      // Nodes re-checking their sockets see the leaves even if the bus lost them.
      expect((await store.accessStates([a]))[0]!.membershipVersion).not.toBe(beforeAccess!.membershipVersion);
      expect((await store.userEventsAfter(a, 0, 10)).events).toEqual([]);
      expect(await store.notifications.listNotifications({ userId: a, limit: 10, unreadOnly: false })).toEqual([]);
      expect((await store.notifications.unreadCounts([a], 10)).has(a)).toBe(false);
      expect(await store.notifications.pushSubscriptionsOf([a])).toEqual([]);
      expect((await store.notifications.getNotifications(b, [theirs.id])).map((x) => x.message)).toEqual([null]);
      expect((await store.notifications.pushSubscriptionsOf([b])).map((x) => x.endpoint)).toEqual([`${push.endpoint}-b`]);
      expect(await store.attachments.get(file)).toMatchObject({ messageId: null, conversationId: null, releasedAt: at + 10 });
      expect(await store.privacy.messagesByAuthor({ userId: a, limit: 10 })).toEqual([]);
      // The old username is free.
      await store.createUser({ id: fresh('u') as UserId, username: before.username, displayName: 'New', passwordHash: 'h', createdAt: at + 11 });
      await expect(store.privacy.eraseUser({ userId: 'nobody' as UserId, at, username: 'Deleted-x', displayName: 'D' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('lists my messages oldest first across conversations, skipping deleted ones, keyset-paged', async () => {
      const at = 1_700_000_100_000;
      const [a, b] = [await user(), await user()];
      const [g1, g2] = [await group(a, [b], at), await group(b, [a], at)];
      const mine = [await send(g1, a, 'one', at + 1), await send(g2, a, 'two', at + 2), await send(g1, a, 'three', at + 3)];
      await send(g1, b, 'not mine', at + 4);
      const del = await send(g2, a, 'deleted', at + 5);
      await store.deleteMessageForEveryone({ conversationId: g2, messageId: del.id, actorId: a, at: at + 6 });
      const page1 = await store.privacy.messagesByAuthor({ userId: a, limit: 2 });
      const page2 = await store.privacy.messagesByAuthor({ userId: a, limit: 2, after: { at: page1[1]!.createdAt, id: page1[1]!.id } });
      expect([...page1, ...page2].map((m) => m.id)).toEqual(mine.map((m) => m.id));
      expect((await store.privacy.filesOf(a)).length).toBe(0);
    });

    it('retention deletes only what is older than the cutoff and keeps the log gapless with stubs', async () => {
      const t0 = Date.UTC(2021, 0, 10);
      const [a, b] = [await user(t0), await user(t0)];
      const g = await group(a, [b], t0);
      const old = await send(g, a, 'old text', t0 + 1);
      await store.editMessage({ conversationId: g, messageId: old.id, actorId: a, ...textEdit('old edited text'), at: t0 + DAY_MS });
      await store.hideMessage({ conversationId: g, messageId: old.id, userId: b, at: t0 + DAY_MS });
      const file = fresh('a') as AttachmentId;
      await store.attachments.reserve({ id: file, ownerId: a, name: 'old.pdf', reservedBytes: 5, quotaBytes: 100, at: t0 });
      await store.attachments.complete({ id: file, size: 5, contentType: 'application/pdf', kind: 'file', width: null, height: null, hasThumbnail: false });
      const oldWithFile = await send(g, a, 'old with file', t0 + 2, { attachmentIds: [file] });
      const young = await send(g, b, 'young text', t0 + 40 * DAY_MS);

      const now = t0 + 45 * DAY_MS;
      expect((await store.maintenance.run({ now, retentionDays: null })).deletedMessages).toBe(0);
      const report = await store.maintenance.run({ now, retentionDays: 30, batchSize: 1 });
      expect(report.deletedMessages).toBe(2);
      expect(report.detachedFiles).toBe(1);
      expect(await store.getMessage(g, old.id)).toBeNull();
      expect(await store.getMessage(g, oldWithFile.id)).toBeNull();
      expect(bodyOf((await store.getMessage(g, young.id))!)).toBe('young text');
      expect(await store.attachments.get(file)).toMatchObject({ messageId: null, conversationId: null, releasedAt: now });
      expect((await store.history({ conversationId: g, viewerId: b, limit: 10 })).messages.map((m) => m.id)).toEqual([young.id]);
      const { events } = await store.eventsAfter(g, 0, 100);
      for (const e of events) ConversationEventSchema.parse(e);
      gapless(events.map((e) => e.seq));
      expect(JSON.stringify(events)).not.toMatch(/old text|old edited|old with file|old\.pdf/);
      const stubs = events.filter((e) => e.type === 'message.deleted').map((e) => (e as { messageId: string }).messageId);
      expect(stubs.filter((id) => id === old.id)).toHaveLength(2);
      expect(stubs).toContain(oldWithFile.id);
      expect((await store.maintenance.run({ now, retentionDays: 30 })).deletedMessages).toBe(0);
    });
  });
}

