/**
 * Store contract, part: who sees a group's history (domain/rules/history-visibility.ts).
 * A member reads the log from their membership's visibleFromSeq on: in a group set to
 * 'joined' that is their join, in 'all' the start. Every read of messages applies it:
 * history, the conversation views (last message, unread count), the mailboxes, search,
 * notification previews, and the rights on a message (edit, delete, hide). The setting
 * changes only what later joins get. See ../contract.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConversationId, Message } from '@parley/protocol';
import type { Store, UserRecord } from '../port';
import { T0, type Kit } from './kit';
import { textEdit, textMessage } from '../../test-support/text-content';

export function historyVisibility(k: Kit): void {
  const { fresh, convId, users, direct, send, expectCode, checkEvents, allEvents, lastSeq } = k;
  let store!: Store;
  beforeAll(() => {
    store = k.store();
  });

  const makeGroup = async (owner: UserRecord, members: UserRecord[], historyVisibility: 'all' | 'joined') => {
    const { conversation, events } = await store.createGroup({ id: convId(), ownerId: owner.id, title: 'History', memberIds: members.map((m) => m.id), maxMembers: 100, historyVisibility, at: T0 });
    checkEvents(events);
    return conversation.id;
  };
  const add = (id: ConversationId, actor: UserRecord, who: UserRecord, at = T0 + 50) =>
    store.addMembers({ conversationId: id, actorId: actor.id, userIds: [who.id], maxMembers: 100, at });
  const remove = (id: ConversationId, actor: UserRecord, who: UserRecord, at = T0 + 60) => store.removeMember({ conversationId: id, actorId: actor.id, userId: who.id, at });
  const historyIds = async (id: ConversationId, viewer: UserRecord, page: { before?: number; after?: number } = {}) =>
    (await store.history({ conversationId: id, viewerId: viewer.id, limit: 50, ...page })).messages.map((m) => m.id);
  const ids = (ms: readonly Pick<Message, 'id'>[]) => ms.map((m) => m.id);

  /** A group set to `mode` where o and a talk (two messages), then j joins. */
  async function joinedLate(mode: 'all' | 'joined') {
    const [o, a, j] = await users(3);
    const id = await makeGroup(o!, [a!], mode);
    const before1 = await send(id, a!, { body: 'before the join alpha', at: T0 + 10 });
    const before2 = await send(id, o!, { body: 'before the join bravo', at: T0 + 20 });
    const joinSeq = (await lastSeq(id)) + 1;
    const [added] = checkEvents(await add(id, o!, j!));
    expect(added).toMatchObject({ type: 'member.added', userId: j!.id, seq: joinSeq });
    return { o: o!, a: a!, j: j!, id, before: [before1, before2], joinSeq };
  }

  describe('history visibility: the setting', () => {
    it('a group keeps the setting it was created with; founders see the whole log', async () => {
      const [o, a] = await users(2);
      for (const mode of ['all', 'joined'] as const) {
        const id = await makeGroup(o!, [a!], mode);
        expect(await store.getConversation(id)).toMatchObject({ kind: 'group', historyVisibility: mode });
        expect((await store.listMembers(id)).map((m) => m.visibleFromSeq)).toEqual([1, 1]);
        expect((await store.getConversationView(id, a!.id))!.historyVisibility).toBe(mode);
      }
    });

    it('a direct conversation shows both members everything', async () => {
      const [a, b] = await users(2);
      const d = await direct(a!, b!);
      expect(await store.getConversation(d)).toMatchObject({ kind: 'direct', historyVisibility: 'all' });
      expect((await store.listMembers(d)).map((m) => m.visibleFromSeq)).toEqual([1, 1]);
    });

    it('owner or admin change it with a conversation.settings event; the same value appends nothing', async () => {
      const [o, ad, m, out] = await users(4);
      const id = await makeGroup(o!, [ad!, m!], 'joined');
      await store.setMemberRole({ conversationId: id, actorId: o!.id, userId: ad!.id, role: 'admin', at: T0 + 1 });
      const seq = await lastSeq(id);
      const [changed] = checkEvents(await store.setHistoryVisibility({ conversationId: id, actorId: ad!.id, historyVisibility: 'all', at: T0 + 2 }));
      expect(changed).toEqual({ type: 'conversation.settings', conversationId: id, seq: seq + 1, actorId: ad!.id, at: T0 + 2, historyVisibility: 'all' });
      expect(await store.getConversation(id)).toMatchObject({ historyVisibility: 'all', lastSeq: seq + 1, updatedAt: T0 + 2 });
      expect(await store.setHistoryVisibility({ conversationId: id, actorId: o!.id, historyVisibility: 'all', at: T0 + 3 })).toEqual([]);
      checkEvents(await store.setHistoryVisibility({ conversationId: id, actorId: o!.id, historyVisibility: 'joined', at: T0 + 4 }));
      expect(await lastSeq(id)).toBe(seq + 2);
      expect((await allEvents(id)).at(-1)).toMatchObject({ type: 'conversation.settings', historyVisibility: 'joined' });

      await expectCode(store.setHistoryVisibility({ conversationId: id, actorId: m!.id, historyVisibility: 'all', at: T0 + 5 }), 'FORBIDDEN');
      await expectCode(store.setHistoryVisibility({ conversationId: id, actorId: out!.id, historyVisibility: 'all', at: T0 + 5 }), 'NOT_MEMBER');
      await expectCode(store.setHistoryVisibility({ conversationId: convId(), actorId: o!.id, historyVisibility: 'all', at: T0 + 5 }), 'NOT_FOUND');
      const d = await direct(o!, m!);
      await expectCode(store.setHistoryVisibility({ conversationId: d, actorId: o!.id, historyVisibility: 'joined', at: T0 + 5 }), 'FORBIDDEN');
      expect(await lastSeq(id)).toBe(seq + 2);
      expect(await store.getConversation(d)).toMatchObject({ historyVisibility: 'all', lastSeq: 3 });
    });

    it('a change governs later joins only: who joined before keeps what they see', async () => {
      const { o, j, id, joinSeq, before } = await joinedLate('joined');
      await store.setHistoryVisibility({ conversationId: id, actorId: o.id, historyVisibility: 'all', at: T0 + 70 });
      expect((await store.getMember(id, j.id))!.visibleFromSeq).toBe(joinSeq);
      expect(await historyIds(id, j)).toEqual([]);
      const [late] = await users(1);
      await add(id, o, late!, T0 + 80);
      expect((await store.getMember(id, late!.id))!.visibleFromSeq).toBe(1);
      expect(await historyIds(id, late!)).toEqual(ids(before));

      await store.setHistoryVisibility({ conversationId: id, actorId: o.id, historyVisibility: 'joined', at: T0 + 90 });
      expect((await store.getMember(id, late!.id))!.visibleFromSeq).toBe(1);
    });
  });

  describe("history visibility: a member who joined a 'joined' group", () => {
    it('reads history from their join on, whichever way they page', async () => {
      const { o, a, j, id, joinSeq, before } = await joinedLate('joined');
      expect((await store.getMember(id, j.id))!.visibleFromSeq).toBe(joinSeq);
      expect(await historyIds(id, j)).toEqual([]);
      const after1 = await send(id, a, { body: 'after the join charlie', at: T0 + 70 });
      const after2 = await send(id, o, { body: 'after the join delta', at: T0 + 80 });
      expect(await historyIds(id, j)).toEqual(ids([after1, after2]));
      expect(await historyIds(id, j, { after: 0 })).toEqual(ids([after1, after2]));
      expect(await historyIds(id, j, { before: after2.seq })).toEqual(ids([after1]));
      expect(await historyIds(id, j, { before: after1.seq })).toEqual([]);
      const newest = await store.history({ conversationId: id, viewerId: j.id, limit: 2 });
      expect(newest.hasMore).toBe(false);
      // The others still see everything.
      expect(await historyIds(id, a)).toEqual(ids([...before, after1, after2]));
    });

    it('gets no earlier message as last message or unread, in the list or the single view', async () => {
      const { a, j, id } = await joinedLate('joined');
      const view = await store.getConversationView(id, j.id);
      expect(view).toMatchObject({ lastMessage: null, unreadCount: 0, me: { visibleFromSeq: expect.any(Number) } });
      const [listed] = (await store.listConversationViews(j.id, { archived: false, limit: 10 })).filter((v) => v.id === id);
      expect(listed).toMatchObject({ lastMessage: null, unreadCount: 0 });
      const after = await send(id, a, { body: 'after', at: T0 + 70 });
      expect(await store.getConversationView(id, j.id)).toMatchObject({ lastMessage: { id: after.id }, unreadCount: 1 });
      // The earlier members' views are as before.
      expect((await store.getConversationView(id, a.id))!.lastMessage!.id).toBe(after.id);
    });

    it("gets the conversation's head with where their log starts", async () => {
      const { j, id, joinSeq } = await joinedLate('joined');
      expect(await store.conversationHeads(j.id)).toEqual([{ id, lastSeq: joinSeq, receiptsVersion: 0, visibleFromSeq: joinSeq }]);
    });

    it('receives in the mailbox only what was sent after the join', async () => {
      const { a, j, id } = await joinedLate('joined');
      expect(await store.mailbox({ userId: j.id, box: 'received', limit: 10 })).toEqual([]);
      const after = await send(id, a, { body: 'after', at: T0 + 70 });
      expect(ids(await store.mailbox({ userId: j.id, box: 'received', limit: 10 }))).toEqual([after.id]);
    });

    it('finds by search only what was sent after the join (indexed and short terms)', async () => {
      const [o, a, j] = await users(3);
      const id = await makeGroup(o!, [a!], 'joined');
      const word = fresh('w').toLowerCase();
      const early = await send(id, a!, { body: `early ${word} zq`, at: T0 + 10 });
      await add(id, o!, j!, T0 + 20);
      const after = await send(id, a!, { body: `later ${word} zq`, at: T0 + 30 });
      const hits = async (who: UserRecord, terms: string[]) => ids((await store.search.searchMessages({ userId: who.id, terms, limit: 10 })).hits.map((h) => h.message));
      expect(await hits(j!, [word])).toEqual([after.id]);
      expect(await hits(j!, ['zq', word.slice(0, 2)])).toEqual([after.id]);
      expect(await hits(j!, ['early'])).toEqual([]);
      // A founder finds both.
      expect(await hits(a!, [word])).toEqual([after.id, early.id]);
    });

    it('may not edit, delete or hide an earlier message (NOT_FOUND), even as an admin', async () => {
      const { o, j, id, before } = await joinedLate('joined');
      await store.setMemberRole({ conversationId: id, actorId: o.id, userId: j.id, role: 'admin', at: T0 + 60 });
      const seq = await lastSeq(id);
      await expectCode(store.deleteMessageForEveryone({ conversationId: id, messageId: before[0]!.id, actorId: j.id, at: T0 + 70 }), 'NOT_FOUND');
      await expectCode(store.hideMessage({ conversationId: id, messageId: before[0]!.id, userId: j.id, at: T0 + 70 }), 'NOT_FOUND');
      expect(await lastSeq(id)).toBe(seq);
      expect((await store.getMessage(id, before[0]!.id))!.deletedAt).toBeNull();
    });

    it('gets notification previews only for messages they may read', async () => {
      const { o, a, j, id, before } = await joinedLate('joined');
      const about = (m: Message) => ({ id: fresh('n'), userId: j.id, kind: 'message' as const, conversationId: id, message: { id: m.id, seq: m.seq, createdAt: m.createdAt }, actorId: m.senderId, at: m.createdAt });
      const after = await send(id, a, { body: 'after the join echo', at: T0 + 70 });
      // A notification decided for a message from before the join (a decider racing the add).
      await store.notifications.createNotifications([about(before[1]!), about(after)]);
      const listed = await store.notifications.listNotifications({ userId: j.id, limit: 10, unreadOnly: false });
      expect(listed.map((n) => [n.messageId, n.message])).toEqual([
        [after.id, textMessage('after the join echo')],
        [before[1]!.id, null],
      ]);
      // Who may be notified of a message: each member with where their reading starts.
      const audience = (await store.notifications.audiences([id], 100)).get(id)!;
      expect(new Map(audience.members!.map((m) => [m.userId, m.visibleFromSeq]))).toEqual(new Map([[o.id, 1], [a.id, 1], [j.id, before[1]!.seq + 1]]));
      expect(await store.notifications.membersByUsername(id, [j.username])).toEqual([{ userId: j.id, username: j.username, muted: false, visibleFromSeq: before[1]!.seq + 1 }]);
    });
  });

  describe("history visibility: a member who joined an 'all' group", () => {
    it('reads everything from the start, everywhere', async () => {
      const { j, id, before } = await joinedLate('all');
      expect((await store.getMember(id, j.id))!.visibleFromSeq).toBe(1);
      expect(await historyIds(id, j)).toEqual(ids(before));
      expect(await store.getConversationView(id, j.id)).toMatchObject({ lastMessage: { id: before[1]!.id }, unreadCount: 2 });
      expect(ids(await store.mailbox({ userId: j.id, box: 'received', limit: 10 }))).toEqual(ids([...before].reverse()));
      expect(ids((await store.search.searchMessages({ userId: j.id, terms: ['bravo'], limit: 10 })).hits.map((h) => h.message))).toEqual([before[1]!.id]);
      expect((await store.conversationHeads(j.id))[0]).toMatchObject({ visibleFromSeq: 1 });
    });
  });

  describe('history visibility: a member added again', () => {
    async function readded(mode: 'all' | 'joined') {
      const [o, j] = await users(2);
      const id = await makeGroup(o!, [j!], mode);
      const mine = await send(id, j!, { body: 'mine from the first membership', at: T0 + 10 });
      const theirs = await send(id, o!, { body: 'said while j was there', at: T0 + 20 });
      await remove(id, o!, j!, T0 + 30);
      const away = await send(id, o!, { body: 'said while j was away', at: T0 + 40 });
      const rejoin = (await lastSeq(id)) + 1;
      await add(id, o!, j!, T0 + 50);
      return { o: o!, j: j!, id, mine, theirs, away, rejoin };
    }

    it("in 'joined' mode reads from the new join: neither the earlier membership nor the time away", async () => {
      const { o, j, id, mine, rejoin } = await readded('joined');
      expect((await store.getMember(id, j.id))!.visibleFromSeq).toBe(rejoin);
      expect(await historyIds(id, j)).toEqual([]);
      expect(await store.getConversationView(id, j.id)).toMatchObject({ lastMessage: null, unreadCount: 0 });
      expect(await store.mailbox({ userId: j.id, box: 'received', limit: 10 })).toEqual([]);
      expect(await store.mailbox({ userId: j.id, box: 'sent', limit: 10 })).toEqual([]);
      await expectCode(store.editMessage({ conversationId: id, messageId: mine.id, actorId: j.id, ...textEdit('changed'), at: T0 + 60 }), 'NOT_FOUND');
      // My own words stay mine: the export still has them.
      expect(ids(await store.privacy.messagesByAuthor({ userId: j.id, limit: 10 }))).toEqual([mine.id]);
      const after = await send(id, o, { body: 'welcome back', at: T0 + 70 });
      expect(await historyIds(id, j)).toEqual([after.id]);
    });

    it("in 'all' mode reads everything again, the time away included", async () => {
      const { j, id, mine, theirs, away } = await readded('all');
      expect((await store.getMember(id, j.id))!.visibleFromSeq).toBe(1);
      expect(await historyIds(id, j)).toEqual(ids([mine, theirs, away]));
      expect(ids(await store.mailbox({ userId: j.id, box: 'sent', limit: 10 }))).toEqual([mine.id]);
    });
  });
}
