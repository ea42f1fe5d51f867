/**
 * The moderation contract: Store.moderation, run against every adapter
 * (sqlite/sqlite-moderation.test.ts, postgres/postgres-moderation.test.ts). Speaks only
 * through the port; fresh ids per test, so tests do not depend on each other's order.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ClientMessageId, ConversationId, MessageId, UserId } from '@parley/protocol';
import { StoreError, type Store } from './port';
import { RuleError } from '../domain/rules/refusals';
import { openForSuite, type StoreFactory } from './contract';
import { textSend, DELETED_TEXT } from '../test-support/text-content';

const T0 = 1_700_000_000_000;

export function moderationContract(name: string, factory: StoreFactory): void {
  describe(`Moderation contract: ${name}`, () => {
    let store!: Store;
    openForSuite(factory, (s) => (store = s));

    const fresh = (prefix: string) => `${prefix}${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    async function user(): Promise<UserId> {
      const id = fresh('u') as UserId;
      await store.createUser({ id, username: id.toLowerCase(), displayName: 'U', passwordHash: 'h', createdAt: T0 });
      return id;
    }
    async function directOf(a: UserId, b: UserId): Promise<ConversationId> {
      return (await store.getOrCreateDirect({ id: fresh('c') as ConversationId, a, b, at: T0 })).conversation.id;
    }
    async function send(conversationId: ConversationId, senderId: UserId, body = 'hello') {
      const clientMessageId = fresh('k') as ClientMessageId;
      const [r] = await store.appendMessages([{ conversationId, senderId, clientMessageId, messageId: fresh('m') as MessageId, ...textSend(body), at: T0 + 1 }]);
      if (!r?.ok) throw new Error('send failed');
      return r.message;
    }
    const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: unknown) => (e instanceof StoreError || e instanceof RuleError ? e.code : String(e)));

    it('blocks are idempotent, directional rows, seen either way', async () => {
      const [a, b, c] = [await user(), await user(), await user()];
      expect(await store.moderation.block({ blockerId: a, blockedId: b, at: T0 })).toBe(true);
      expect(await store.moderation.block({ blockerId: a, blockedId: b, at: T0 + 5 })).toBe(false);
      expect(await store.moderation.block({ blockerId: a, blockedId: c, at: T0 + 1 })).toBe(true);
      expect(await store.moderation.blockedEitherWay(a, b)).toBe(true);
      expect(await store.moderation.blockedEitherWay(b, a)).toBe(true);
      expect(await store.moderation.blockedEitherWay(b, c)).toBe(false);
      expect((await store.moderation.listBlocks(a)).map((x) => [x.user.id, x.blockedAt])).toEqual([
        [c, T0 + 1],
        [b, T0],
      ]);
      expect(await store.moderation.listBlocks(b)).toEqual([]);
      expect([...(await store.moderation.blockedAmong(b, [a, c]))]).toEqual([a]);
      expect(await store.moderation.blockedAmong(b, [])).toEqual(new Set());
      expect((await store.moderation.blockRelations(a)).sort()).toEqual([b, c].sort());
      expect(await store.moderation.blockRelations(c)).toEqual([a]);
      expect(await store.moderation.unblock({ blockerId: a, blockedId: b })).toBe(true);
      expect(await store.moderation.unblock({ blockerId: a, blockedId: b })).toBe(false);
      expect(await store.moderation.blockedEitherWay(a, b)).toBe(false);
      expect(await code(store.moderation.block({ blockerId: a, blockedId: 'nobody' as UserId, at: T0 }))).toBe('NOT_FOUND');
    });

    it('finds a sent message by its client id', async () => {
      const [a, b] = [await user(), await user()];
      const d = await directOf(a, b);
      const m = await send(d, a);
      expect(await store.moderation.findSent(a, m.clientMessageId)).toEqual(m);
      expect(await store.moderation.findSent(b, m.clientMessageId)).toBeNull();
    });

    it('refuses a direct send across a block either way, in the append, and still returns a retry its original', async () => {
      const [a, b, c] = [await user(), await user(), await user()];
      const d = await directOf(a, b);
      const g = (await store.createGroup({ id: fresh('g') as ConversationId, ownerId: a, title: 'G', memberIds: [b, c], maxMembers: 10, at: T0 })).conversation.id;
      const before = await send(d, a);
      await store.moderation.block({ blockerId: b, blockedId: a, at: T0 + 2 });
      const attempt = (senderId: UserId, conversationId: ConversationId, clientMessageId = fresh('k') as ClientMessageId) => ({
        conversationId,
        senderId,
        clientMessageId,
        messageId: fresh('m') as MessageId,
        ...textSend('after'),
        at: T0 + 3,
      });
      const results = await store.appendMessages([
        attempt(a, d),
        attempt(b, d),
        attempt(a, d, before.clientMessageId),
        // A block is between two people: it refuses nothing in a group they share.
        attempt(a, g),
      ]);
      expect(results.map((r) => (r.ok ? (r.duplicate ? 'duplicate' : 'sent') : r.code))).toEqual(['BLOCKED', 'BLOCKED', 'duplicate', 'sent']);
      expect(results[2]?.ok && results[2].message).toEqual(before);
      // Nothing of the refused sends reached the log.
      const logged = (await store.eventsAfter(d, 0, 100)).events.filter((e) => e.type === 'message.created');
      expect(logged.map((e) => e.seq)).toEqual([before.seq]);
      await store.moderation.unblock({ blockerId: b, blockedId: a });
      const [again] = await store.appendMessages([attempt(a, d)]);
      expect(again?.ok && !again.duplicate).toBe(true);
    });

    it('keeps one open report per reporter and message, lists open ones in order, resolves', async () => {
      const [a, b] = [await user(), await user()];
      const d = await directOf(a, b);
      const m1 = await send(d, b);
      const m2 = await send(d, b);
      const r1 = await store.moderation.createReport({ id: fresh('r'), conversationId: d, messageId: m1.id, reporterId: a, reason: 'one', at: T0 + 10 });
      expect(r1).toMatchObject({ conversationId: d, messageId: m1.id, reporterId: a, reason: 'one', createdAt: T0 + 10, resolvedAt: null });
      expect(await code(store.moderation.createReport({ id: fresh('r'), conversationId: d, messageId: m1.id, reporterId: a, reason: 'x', at: T0 + 11 }))).toBe('CONFLICT');
      const r2 = await store.moderation.createReport({ id: fresh('r'), conversationId: d, messageId: m2.id, reporterId: a, reason: 'two', at: T0 + 12 });
      const r3 = await store.moderation.createReport({ id: fresh('r'), conversationId: d, messageId: m1.id, reporterId: b, reason: 'three', at: T0 + 13 });
      const mine = async (after?: { at: number; id: string }) =>
        (await store.moderation.listOpenReports({ limit: 1000, ...(after ? { after } : {}) })).filter((r) => r.conversationId === d).map((r) => r.id);
      expect(await mine()).toEqual([r1.id, r2.id, r3.id]);
      expect(await mine({ at: r1.createdAt, id: r1.id })).toEqual([r2.id, r3.id]);

      expect(await store.moderation.resolveReport({ id: r2.id, by: b, at: T0 + 20 })).toBe(true);
      expect(await store.moderation.resolveReport({ id: r2.id, by: b, at: T0 + 30 })).toBe(true);
      expect(await store.moderation.getReport(r2.id)).toMatchObject({ resolvedAt: T0 + 20, resolvedBy: b });
      expect(await store.moderation.resolveReport({ id: 'nope', by: b, at: T0 })).toBe(false);
      expect(await store.moderation.resolveReportsOfMessage({ messageId: m1.id, by: b, at: T0 + 40 })).toBe(2);
      expect(await mine()).toEqual([]);
      // Closed reports do not count against a new one.
      await store.moderation.createReport({ id: fresh('r'), conversationId: d, messageId: m1.id, reporterId: a, reason: 'again', at: T0 + 50 });
    });

    it('deletes a message as a moderator who is not a member, appending to the log', async () => {
      const [a, b, mod] = [await user(), await user(), await user()];
      const d = await directOf(a, b);
      const m = await send(d, a, 'bad words');
      const before = (await store.getConversation(d))!.lastSeq;
      const event = await store.moderation.deleteMessageAsModerator({ conversationId: d, messageId: m.id, moderatorId: mod, at: T0 + 100 });
      expect(event).toMatchObject({ type: 'message.deleted', conversationId: d, seq: before + 1, actorId: mod, at: T0 + 100, messageId: m.id });
      expect(await store.getMessage(d, m.id)).toMatchObject({ ...DELETED_TEXT, deletedAt: T0 + 100 });
      expect((await store.eventsAfter(d, before, 10)).events).toEqual([event]);
      expect(await code(store.moderation.deleteMessageAsModerator({ conversationId: d, messageId: m.id, moderatorId: mod, at: T0 + 101 }))).toBe('NOT_FOUND');
      expect(await code(store.moderation.deleteMessageAsModerator({ conversationId: d, messageId: 'nope' as MessageId, moderatorId: mod, at: T0 }))).toBe('NOT_FOUND');
      expect((await store.getConversation(d))!.lastSeq).toBe(before + 1);
    });

    it('sets roles and suspension', async () => {
      const a = await user();
      await store.moderation.setRole(a, 'admin');
      await store.moderation.setSuspended(a, T0 + 7);
      expect(await store.getUser(a)).toMatchObject({ role: 'admin', suspendedAt: T0 + 7 });
      await store.moderation.setSuspended(a, null);
      await store.moderation.setRole(a, 'user');
      expect(await store.getUser(a)).toMatchObject({ role: 'user', suspendedAt: null });
      expect(await code(store.moderation.setRole('nobody' as UserId, 'admin'))).toBe('NOT_FOUND');
      expect(await code(store.moderation.setSuspended('nobody' as UserId, T0))).toBe('NOT_FOUND');
    });
  });
}
