/** Store contract, part: mailbox, watermarks and receipts, archive and user events, conversation views, operations. See ../contract.ts. */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  MessageSchema,
  PublicUserSchema,
  ReceiptSchema,
  type ConversationId,
  type Message,
  type MessageId,
  type UserId,
} from '@parley/protocol';
import { type Store } from '../port';
import { T0, type Kit } from './kit';

export function reading(k: Kit): void {
  const { fresh, convId, user, users, group, direct, send, expectCode, checkUserEvent, lastSeq } = k;
  let store!: Store;
  beforeAll(() => {
    store = k.store();
  });

  describe('mailbox', () => {
    it('lists received and sent newest first, without deleted or hidden messages', async () => {
      const [me, x, y] = await users(3);
      const d = await direct(me!, x!);
      const g = await group(y!, [me!, x!], T0, 'Team');
      const m = (n: number) => `${fresh('m')}${String(n).padStart(2, '0')}` as MessageId;
      const r1 = await send(d, x!, { at: T0 + 10, messageId: m(1) });
      const r2 = await send(g, y!, { at: T0 + 20, messageId: m(2) });
      const s1 = await send(d, me!, { at: T0 + 30, messageId: m(3) });
      const r3 = await send(g, x!, { at: T0 + 40, messageId: m(4) });
      const gone = await send(g, y!, { at: T0 + 50, messageId: m(5) });
      const hidden = await send(g, x!, { at: T0 + 60, messageId: m(6) });
      const s2 = await send(g, me!, { at: T0 + 70, messageId: m(7) });
      const s3hidden = await send(d, me!, { at: T0 + 80, messageId: m(8) });
      await store.deleteMessageForEveryone({ conversationId: g, messageId: gone.id, actorId: y!.id, at: T0 + 90 });
      await store.hideMessage({ conversationId: g, messageId: hidden.id, userId: me!.id, at: T0 + 91 });
      await store.hideMessage({ conversationId: d, messageId: s3hidden.id, userId: me!.id, at: T0 + 92 });

      const received = await store.mailbox({ userId: me!.id, box: 'received', limit: 10 });
      expect(received.map((i) => i.id)).toEqual([r3.id, r2.id, r1.id]);
      expect(received[0]).toEqual({ ...r3, sender: { id: x!.id, username: x!.username, displayName: x!.displayName, avatarUrl: null }, conversationTitle: 'Team' });
      expect(received[2]!.conversationTitle).toBeNull();
      for (const { sender, conversationTitle, ...msg } of received) {
        MessageSchema.parse(msg);
        PublicUserSchema.parse(sender);
        void conversationTitle;
      }
      const sent = await store.mailbox({ userId: me!.id, box: 'sent', limit: 10 });
      expect(sent.map((i) => i.id)).toEqual([s2.id, s1.id]);
      expect(sent[0]).toMatchObject({ sender: { id: me!.id }, conversationTitle: 'Team' });

      // Someone else's boxes are their own.
      expect((await store.mailbox({ userId: x!.id, box: 'received', limit: 10 })).map((i) => i.id)).toEqual([s3hidden.id, s2.id, s1.id, r2.id]);
    });

    it('pages with an exclusive (createdAt, id) cursor, ties broken by id descending', async () => {
      const [me, x] = await users(2);
      const d = await direct(me!, x!);
      const prefix = fresh('m');
      const sent: Message[] = [];
      // Pairs share a createdAt so the id breaks the tie.
      for (let i = 0; i < 7; i++) sent.push(await send(d, x!, { at: T0 + Math.floor(i / 2), messageId: `${prefix}${i}` as MessageId }));
      const expected = [...sent].sort((p, q) => q.createdAt - p.createdAt || (q.id < p.id ? -1 : q.id > p.id ? 1 : 0)).map((m) => m.id);
      const got: string[] = [];
      let cursor: { at: number; id: string } | undefined;
      for (let page = 0; page < 5; page++) {
        const items = await store.mailbox({ userId: me!.id, box: 'received', limit: 3, ...(cursor ? { cursor } : {}) });
        got.push(...items.map((i) => i.id));
        if (items.length < 3) break;
        const last = items[items.length - 1]!;
        cursor = { at: last.createdAt, id: last.id };
      }
      expect(got).toEqual(expected);
    });

    it('forgets conversations the user is no longer in', async () => {
      const [o, me] = await users(2);
      const g = await group(o!, [me!]);
      await send(g, o!);
      await send(g, me!);
      await store.removeMember({ conversationId: g, actorId: me!.id, userId: me!.id, at: T0 + 5 });
      expect(await store.mailbox({ userId: me!.id, box: 'received', limit: 10 })).toEqual([]);
      expect(await store.mailbox({ userId: me!.id, box: 'sent', limit: 10 })).toEqual([]);
    });
  });

  // ---- receipts and per-user state

  describe('watermarks and receipts', () => {
    it('raise only, are capped at lastSeq, read implies delivered, and bump receiptsVersion only on change', async () => {
      const [a, b, out] = await users(3);
      const id = await direct(a!, b!);
      for (let i = 0; i < 4; i++) await send(id, a!); // lastSeq 7
      const adv = (userId: UserId, kind: 'delivered' | 'read', seq: number) => store.advanceWatermark({ conversationId: id, userId, kind, seq });

      const d1 = await adv(b!.id, 'delivered', 5);
      expect(d1).toEqual({ changed: true, receipt: { conversationId: id, userId: b!.id, deliveredSeq: 5, readSeq: 0, receiptsVersion: 1 } });
      ReceiptSchema.parse(d1.receipt);
      expect(await adv(b!.id, 'delivered', 3)).toEqual({ changed: false, receipt: d1.receipt });
      expect(await adv(b!.id, 'delivered', 5)).toEqual({ changed: false, receipt: d1.receipt });

      const r1 = await adv(b!.id, 'read', 100); // capped
      expect(r1).toEqual({ changed: true, receipt: { conversationId: id, userId: b!.id, deliveredSeq: 7, readSeq: 7, receiptsVersion: 2 } });
      expect(await adv(b!.id, 'read', 6)).toEqual({ changed: false, receipt: r1.receipt });
      expect((await adv(b!.id, 'delivered', 1000)).changed).toBe(false);

      const a1 = await adv(a!.id, 'read', 2);
      expect(a1.receipt).toMatchObject({ deliveredSeq: 2, readSeq: 2, receiptsVersion: 3 });
      const a2 = await adv(a!.id, 'delivered', 4);
      expect(a2.receipt).toMatchObject({ deliveredSeq: 4, readSeq: 2, receiptsVersion: 4 });

      expect(await store.getMember(id, b!.id)).toMatchObject({ deliveredSeq: 7, readSeq: 7 });
      expect((await store.getConversation(id))!.receiptsVersion).toBe(4);
      const all = await store.receipts(id);
      expect(all.receiptsVersion).toBe(4);
      expect(all.receipts.map((r) => ReceiptSchema.parse(r)).sort((p, q) => p.userId.localeCompare(q.userId))).toEqual(
        [
          { conversationId: id, userId: a!.id, deliveredSeq: 4, readSeq: 2, receiptsVersion: 4 },
          { conversationId: id, userId: b!.id, deliveredSeq: 7, readSeq: 7, receiptsVersion: 4 },
        ].sort((p, q) => p.userId.localeCompare(q.userId)),
      );
      expect(await store.conversationHeads(a!.id)).toEqual([{ id, lastSeq: 7, receiptsVersion: 4, visibleFromSeq: 1 }]);
      await expectCode(adv(out!.id, 'read', 1), 'NOT_MEMBER');
      // Receipts are not log events.
      expect(await lastSeq(id)).toBe(7);
    });

    it('advance in batches: one result per input in order, later inputs see earlier ones, failures stay local', async () => {
      const [a, b, c, out] = await users(4);
      const id = await direct(a!, b!);
      const g = await group(a!, [c!]);
      for (let i = 0; i < 3; i++) await send(id, a!); // lastSeq 6
      await send(g, a!);
      const results = await store.advanceWatermarks([
        { conversationId: g, userId: c!.id, kind: 'delivered', seq: 100 },
        { conversationId: id, userId: b!.id, kind: 'delivered', seq: 5 },
        { conversationId: id, userId: out!.id, kind: 'read', seq: 1 },
        { conversationId: 'no-such-conversation' as ConversationId, userId: b!.id, kind: 'read', seq: 1 },
        { conversationId: id, userId: b!.id, kind: 'read', seq: 4 },
        { conversationId: id, userId: b!.id, kind: 'delivered', seq: 3 },
      ]);
      const glast = await lastSeq(g);
      expect(results).toEqual([
        { ok: true, changed: true, receipt: { conversationId: g, userId: c!.id, deliveredSeq: glast, readSeq: 0, receiptsVersion: 1 } },
        { ok: true, changed: true, receipt: { conversationId: id, userId: b!.id, deliveredSeq: 5, readSeq: 0, receiptsVersion: 1 } },
        { ok: false, code: 'NOT_MEMBER' },
        { ok: false, code: 'NOT_FOUND' },
        { ok: true, changed: true, receipt: { conversationId: id, userId: b!.id, deliveredSeq: 5, readSeq: 4, receiptsVersion: 2 } },
        { ok: true, changed: false, receipt: { conversationId: id, userId: b!.id, deliveredSeq: 5, readSeq: 4, receiptsVersion: 2 } },
      ]);
      expect(await store.getMember(id, b!.id)).toMatchObject({ deliveredSeq: 5, readSeq: 4 });
      expect(await store.advanceWatermarks([])).toEqual([]);
    });

    it('hide readSeq (null) for members who do not share read receipts', async () => {
      const [a, b] = await users(2);
      const id = await direct(a!, b!);
      await send(id, a!);
      await store.updatePrivacy(b!.id, { readReceipts: false });
      const r = await store.advanceWatermark({ conversationId: id, userId: b!.id, kind: 'read', seq: 4 });
      expect(r).toEqual({ changed: true, receipt: { conversationId: id, userId: b!.id, deliveredSeq: 4, readSeq: null, receiptsVersion: 1 } });
      const all = await store.receipts(id);
      expect(all.receipts.find((x) => x.userId === b!.id)!.readSeq).toBeNull();
      expect(all.receipts.find((x) => x.userId === a!.id)!.readSeq).toBe(0);
      // The member record keeps the real watermark: unread counts still work for b.
      expect(await store.getMember(id, b!.id)).toMatchObject({ readSeq: 4 });
      const view = await store.getConversationView(id, a!.id);
      expect(view!.members.find((m) => m.userId === b!.id)!.readReceipts).toBe(false);
      expect(view!.members.find((m) => m.userId === a!.id)!.readReceipts).toBe(true);
    });
  });

  describe('archive and user events', () => {
    it('archives and unarchives with user events only on change', async () => {
      const [a, b, out] = await users(3);
      const id = await direct(a!, b!);
      const e1 = checkUserEvent(await store.setArchived({ conversationId: id, userId: a!.id, archived: true, at: T0 + 1 }));
      expect(e1).toEqual({ type: 'conversation.archived', userSeq: 1, at: T0 + 1, conversationId: id });
      expect(await store.setArchived({ conversationId: id, userId: a!.id, archived: true, at: T0 + 2 })).toBeNull();
      expect(await store.getMember(id, a!.id)).toMatchObject({ archived: true });
      expect((await store.listConversationViews(a!.id, { archived: true, limit: 10 })).map((v) => v.id)).toEqual([id]);
      expect(await store.listConversationViews(a!.id, { archived: false, limit: 10 })).toEqual([]);
      expect((await store.listConversationViews(b!.id, { archived: false, limit: 10 })).map((v) => v.id)).toEqual([id]);

      const e2 = checkUserEvent(await store.setArchived({ conversationId: id, userId: a!.id, archived: false, at: T0 + 3 }));
      expect(e2).toEqual({ type: 'conversation.unarchived', userSeq: 2, at: T0 + 3, conversationId: id });
      expect(await store.setArchived({ conversationId: id, userId: a!.id, archived: false, at: T0 + 4 })).toBeNull();
      await expectCode(store.setArchived({ conversationId: id, userId: out!.id, archived: true, at: T0 }), 'NOT_MEMBER');
      expect(await lastSeq(id)).toBe(3);
    });

    it('pages user events with hasMore and reports the current userSeq', async () => {
      const [a, b] = await users(2);
      const id = await direct(a!, b!);
      const m = await send(id, b!);
      expect(await store.userEventsAfter(a!.id, 0, 10)).toEqual({ events: [], hasMore: false, userSeq: 0 });
      await store.setArchived({ conversationId: id, userId: a!.id, archived: true, at: T0 + 1 });
      await store.hideMessage({ conversationId: id, messageId: m.id, userId: a!.id, at: T0 + 2 });
      await store.setArchived({ conversationId: id, userId: a!.id, archived: false, at: T0 + 3 });
      const p1 = await store.userEventsAfter(a!.id, 0, 2);
      expect(p1.events.map((e) => [e.userSeq, e.type])).toEqual([
        [1, 'conversation.archived'],
        [2, 'message.hidden'],
      ]);
      expect(p1.hasMore).toBe(true);
      expect(p1.userSeq).toBe(3);
      for (const e of p1.events) checkUserEvent(e);
      const p2 = await store.userEventsAfter(a!.id, 2, 2);
      expect(p2).toEqual({ events: [{ type: 'conversation.unarchived', userSeq: 3, at: T0 + 3, conversationId: id }], hasMore: false, userSeq: 3 });
      expect((await store.userEventsAfter(b!.id, 0, 10)).userSeq).toBe(0);
    });
  });

  describe('conversation views', () => {
    it('shows members, me, the last visible message and the unread count', async () => {
      const [me, x, y] = await users(3);
      const g = await group(x!, [me!, y!], T0, 'Team');
      const m1 = await send(g, x!, { at: T0 + 1 });
      const m2 = await send(g, me!, { at: T0 + 2 });
      const m3 = await send(g, y!, { at: T0 + 3 });
      const m4 = await send(g, x!, { at: T0 + 4 });
      const m5 = await send(g, y!, { at: T0 + 5 });

      let view = (await store.getConversationView(g, me!.id))!;
      expect(view).toMatchObject({ id: g, kind: 'group', title: 'Team', lastSeq: m5.seq, receiptsVersion: 0, createdAt: T0, updatedAt: T0 + 5 });
      expect(view.me).toEqual({ userId: me!.id, role: 'member', deliveredSeq: 0, readSeq: 0, archived: false, joinedAt: T0, visibleFromSeq: 1 });
      expect(view.members.map((m) => [m.userId, m.role, m.user.username, m.readReceipts])).toEqual([
        [x!.id, 'owner', x!.username, true],
        [me!.id, 'member', me!.username, true],
        [y!.id, 'member', y!.username, true],
      ]);
      for (const m of view.members) PublicUserSchema.parse(m.user);
      expect(view.lastMessage).toEqual(m5);
      expect(view.unreadCount).toBe(4); // m1, m3, m4, m5 (not my own m2)

      await store.advanceWatermark({ conversationId: g, userId: me!.id, kind: 'read', seq: m3.seq });
      await store.deleteMessageForEveryone({ conversationId: g, messageId: m5.id, actorId: y!.id, at: T0 + 6 });
      await store.hideMessage({ conversationId: g, messageId: m4.id, userId: me!.id, at: T0 + 7 });
      view = (await store.getConversationView(g, me!.id))!;
      expect(view.me.readSeq).toBe(m3.seq);
      expect(view.unreadCount).toBe(0);
      expect(view.lastMessage).toEqual(m3); // m5 deleted, m4 hidden by me
      expect((await store.getConversationView(g, x!.id))!.lastMessage).toEqual(m4);
      expect((await store.getConversationView(g, x!.id))!.unreadCount).toBe(2); // m2, m3 (m5 deleted)
      void m1;
      void m2;

      const out = await user();
      expect(await store.getConversationView(g, out.id)).toBeNull();
      expect(await store.getConversationView(convId(), me!.id)).toBeNull();
    });

    it('lists by updatedAt descending (then id) with an exclusive keyset cursor', async () => {
      const me = await user();
      const others = await users(5);
      const ids: ConversationId[] = [];
      for (let i = 0; i < 5; i++) ids.push(await direct(me, others[i]!, T0 + i));
      await send(ids[1]!, others[1]!, { at: T0 + 100 }); // moves to the top
      // ids[3] and ids[4] tie on updatedAt: the larger id comes first.
      await send(ids[3]!, others[3]!, { at: T0 + 50 });
      await send(ids[4]!, others[4]!, { at: T0 + 50 });
      const tie = [ids[3]!, ids[4]!].sort().reverse();
      const expected = [ids[1]!, ...tie, ids[2]!, ids[0]!];

      const got: string[] = [];
      let cursor: { at: number; id: string } | undefined;
      for (let page = 0; page < 5; page++) {
        const views = await store.listConversationViews(me.id, { archived: false, limit: 2, ...(cursor ? { cursor } : {}) });
        got.push(...views.map((v) => v.id));
        if (views.length < 2) break;
        const last = views[views.length - 1]!;
        cursor = { at: last.updatedAt, id: last.id };
      }
      expect(got).toEqual(expected);
      const first = (await store.listConversationViews(me.id, { archived: false, limit: 1 }))[0]!;
      expect(first.unreadCount).toBe(1);
      expect(first.me.userId).toBe(me.id);
      expect(first.members).toHaveLength(2);
    });
  });

  describe('operations', () => {
    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
