/** Store contract, part: appendMessages, exactly once under retries (property), the event log, edit, delete for everyone, hide, history. See ../contract.ts. */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { MessageSchema, type ClientMessageId, type Message } from '@parley/protocol';
import { type SendResult, type Store } from '../port';
import { T0, type Kit } from './kit';
import { bodyOf, textSend, textEdit, textMessage, DELETED_TEXT } from '../../test-support/text-content';

export function messages(k: Kit): void {
  const { fresh, convId, msgId, cmid, user, users, group, direct, input, send, okMessage, expectCode, checkEvents, checkUserEvent, allEvents, lastSeq, seqs, range } = k;
  let store!: Store;
  beforeAll(() => {
    store = k.store();
  });

  describe('appendMessages', () => {
    it('appends with the next seq and a message.created event, and sets lastSeq and updatedAt', async () => {
      const [a, b] = await users(2);
      const id = await direct(a!, b!);
      const inp = input(id, a!, { ...textSend('Body', 'Subject'), at: T0 + 42 });
      const [result] = await store.appendMessages([inp]);
      expect(result).toEqual({
        ok: true,
        duplicate: false,
        message: {
          id: inp.messageId,
          conversationId: id,
          seq: 4,
          senderId: a!.id,
          clientMessageId: inp.clientMessageId,
          ...textMessage('Body', 'Subject'),
          replyTo: null,
          threadRootId: null,
          targetId: null,
          createdAt: T0 + 42,
          editedAt: null,
          deletedAt: null,
        },
        event: expect.anything(),
      });
      const ok = result as Extract<SendResult, { ok: true }>;
      MessageSchema.parse(ok.message);
      expect(checkEvents([ok.event!])[0]).toEqual({ type: 'message.created', conversationId: id, seq: 4, actorId: a!.id, at: T0 + 42, message: ok.message });
      expect(await store.getConversation(id)).toMatchObject({ lastSeq: 4, updatedAt: T0 + 42 });
      expect(await store.getMessage(id, inp.messageId)).toEqual(ok.message);
      expect(await store.getMessage(id, msgId())).toBeNull();
      expect(await store.getMessage(convId(), inp.messageId)).toBeNull();
    });

    it('handles a mixed batch in order: failures in the middle abort nothing, duplicates inside the batch append nothing', async () => {
      const [a, b, c, out] = await users(4);
      const d1 = await direct(a!, b!);
      const g = await group(a!, [c!]);
      const k = cmid();
      const results = await store.appendMessages([
        input(d1, a!, { body: 'one' }),
        input(convId(), a!), // unknown conversation
        input(g, a!, { clientMessageId: k, body: 'two' }),
        input(g, out!), // not a member
        input(g, a!, { clientMessageId: k, body: 'retry', messageId: msgId() }), // duplicate of an earlier item
        input(d1, b!, { body: 'three' }),
        input(g, c!, { body: 'four' }),
      ]);
      expect(results.map((r) => (r.ok ? [r.message.conversationId, r.message.seq, r.duplicate, bodyOf(r.message)] : r.code))).toEqual([
        [d1, 4, false, 'one'],
        'NOT_FOUND',
        [g, 4, false, 'two'],
        'NOT_MEMBER',
        [g, 4, true, 'two'],
        [d1, 5, false, 'three'],
        [g, 5, false, 'four'],
      ]);
      const dup = results[4] as Extract<SendResult, { ok: true }>;
      expect(dup.event).toBeNull();
      expect(dup.message).toEqual((results[2] as Extract<SendResult, { ok: true }>).message);
      expect(seqs(await allEvents(d1))).toEqual(range(1, 5));
      expect(seqs(await allEvents(g))).toEqual(range(1, 5));
    });

    it('is idempotent across batches: a retry returns the stored message and appends nothing', async () => {
      const [a, b] = await users(2);
      const id = await direct(a!, b!);
      const first = await send(id, a!, { body: 'original' });
      const [retry] = await store.appendMessages([
        input(id, a!, { clientMessageId: first.clientMessageId, messageId: msgId(), body: 'changed', at: T0 + 500 }),
      ]);
      expect(retry).toEqual({ ok: true, message: first, duplicate: true, event: null });
      expect(await store.getConversation(id)).toMatchObject({ lastSeq: 4, updatedAt: T0 + 1 });
      // The same client id from another sender is a different message.
      const other = await send(id, b!, { clientMessageId: first.clientMessageId });
      expect(other.seq).toBe(5);
    });

    it('reports NOT_MEMBER / NOT_FOUND for single sends without throwing', async () => {
      const [a, b, out] = await users(3);
      const id = await direct(a!, b!);
      expect(await store.appendMessages([input(id, out!)])).toEqual([{ ok: false, code: 'NOT_MEMBER' }]);
      expect(await store.appendMessages([input(convId(), a!)])).toEqual([{ ok: false, code: 'NOT_FOUND' }]);
      expect(await store.appendMessages([])).toEqual([]);
      expect(await lastSeq(id)).toBe(3);
    });

    it('keeps seqs gapless and unique under many concurrent calls to one conversation', async () => {
      const members = await users(4);
      const id = await group(members[0]!, members.slice(1));
      const base = await lastSeq(id);
      const calls = range(1, 40).map((i) => {
        const sender = members[i % members.length]!;
        return store.appendMessages(i % 3 === 0 ? [input(id, sender), input(id, sender)] : [input(id, sender)]);
      });
      const results = (await Promise.all(calls)).flat();
      const got = results.map((r) => okMessage(r).seq).sort((x, y) => x - y);
      expect(got).toEqual(range(base + 1, base + results.length));
      expect(await lastSeq(id)).toBe(base + results.length);
      expect(seqs(await allEvents(id))).toEqual(range(1, base + results.length));
    });

    it('stores one message when the same send is retried concurrently', async () => {
      const [a, b] = await users(2);
      const id = await direct(a!, b!);
      const k = cmid();
      const results = await Promise.all(range(1, 8).map(() => store.appendMessages([input(id, a!, { clientMessageId: k, messageId: msgId() })])));
      const flat = results.flat().map((r) => (r.ok ? r : null));
      expect(flat.filter((r) => r && !r.duplicate)).toHaveLength(1);
      expect(new Set(flat.map((r) => r?.message.id)).size).toBe(1);
      expect(await lastSeq(id)).toBe(4);
    });
  });

  describe('exactly once under retries (property)', () => {
    it('any interleaving of concurrent batches with retries stores each send once, with gapless seqs', async () => {
      const [a, b, c] = await users(3);
      const people = [a!, b!, c!];
      // A send is (sender index, client id index); a batch lists sends; batches run concurrently.
      const sendArb = fc.record({ sender: fc.nat({ max: 2 }), key: fc.nat({ max: 7 }), conversation: fc.nat({ max: 1 }) });
      const scenario = fc.array(fc.array(sendArb, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 });
      await fc.assert(
        fc.asyncProperty(scenario, async (batches) => {
          const convs = [await group(a!, [b!, c!]), await group(b!, [a!, c!])];
          const keyPrefix = fresh('p');
          const results = await Promise.all(
            batches.map((batch) =>
              store.appendMessages(
                batch.map((s) =>
                  input(convs[s.conversation]!, people[s.sender]!, { clientMessageId: `${keyPrefix}-${s.sender}-${s.key}` as ClientMessageId }),
                ),
              ),
            ),
          );
          const flat = results.flat().map(okMessage);
          // One stored message per (sender, client id), whatever the order of retries.
          const byKey = new Map<string, string>();
          for (const m of flat) {
            const key = `${m.senderId}/${m.clientMessageId}`;
            expect(byKey.get(key) ?? m.id).toBe(m.id);
            byKey.set(key, m.id);
          }
          const newCount = results.flat().filter((r) => r.ok && !r.duplicate).length;
          expect(newCount).toBe(byKey.size);
          // Each conversation's log is gapless and holds exactly the new messages.
          let created = 0;
          for (const id of convs) {
            const events = await allEvents(id);
            expect(seqs(events)).toEqual(range(1, events.length));
            created += events.filter((e) => e.type === 'message.created').length;
            expect(await lastSeq(id)).toBe(events.length);
          }
          expect(created).toBe(byKey.size);
        }),
        { numRuns: 15 },
      );
    });
  });

  describe('the event log', () => {
    it('numbers every kind of change with one gapless seq and keeps events as appended', async () => {
      const [o, a, b] = await users(3);
      const id = await group(o!, [a!]); // 1..3
      const m1 = await send(id, a!, { ...textSend('v1', 't1'), at: T0 + 10 }); // 4
      await store.renameGroup({ conversationId: id, actorId: o!.id, title: 'R', at: T0 + 11 }); // 5
      const edit = await store.editMessage({ conversationId: id, messageId: m1.id, actorId: a!.id, ...textEdit('v2'), at: T0 + 12 }); // 6
      await store.addMembers({ conversationId: id, actorId: o!.id, userIds: [b!.id], maxMembers: 10, at: T0 + 13 }); // 7
      const m2 = await send(id, b!, { at: T0 + 14 }); // 8
      await store.deleteMessageForEveryone({ conversationId: id, messageId: m2.id, actorId: o!.id, at: T0 + 15 }); // 9
      await store.setMemberRole({ conversationId: id, actorId: o!.id, userId: a!.id, role: 'admin', at: T0 + 16 }); // 10
      await store.removeMember({ conversationId: id, actorId: o!.id, userId: b!.id, at: T0 + 17 }); // 11
      await store.removeMember({ conversationId: id, actorId: a!.id, userId: a!.id, at: T0 + 18 }); // 12
      // Not log events: receipts, hiding and archiving change per-user state only.
      await store.advanceWatermark({ conversationId: id, userId: o!.id, kind: 'read', seq: 12 });
      await store.hideMessage({ conversationId: id, messageId: m1.id, userId: o!.id, at: T0 + 19 });
      await store.setArchived({ conversationId: id, userId: o!.id, archived: true, at: T0 + 20 });

      const events = await allEvents(id);
      expect(events.map((e) => [e.seq, e.type])).toEqual([
        [1, 'conversation.created'],
        [2, 'member.added'],
        [3, 'member.added'],
        [4, 'message.created'],
        [5, 'conversation.renamed'],
        [6, 'message.edited'],
        [7, 'member.added'],
        [8, 'message.created'],
        [9, 'message.deleted'],
        [10, 'member.role'],
        [11, 'member.removed'],
        [12, 'member.left'],
      ]);
      expect(events.every((e) => e.conversationId === id)).toBe(true);
      // message.created keeps what was sent; the edit is its own event.
      expect(events[3]).toMatchObject({ message: { id: m1.id, ...textMessage('v1', 't1'), editedAt: null } });
      expect(events[5]).toEqual(edit.event);
      expect(events[8]).toEqual({ type: 'message.deleted', conversationId: id, seq: 9, actorId: o!.id, at: T0 + 15, messageId: m2.id });
      expect(await store.getConversation(id)).toMatchObject({ lastSeq: 12, updatedAt: T0 + 18 });
    });

    it('pages events after a seq with hasMore', async () => {
      const [a, b] = await users(2);
      const id = await direct(a!, b!);
      for (let i = 0; i < 5; i++) await send(id, a!);
      const p1 = await store.eventsAfter(id, 0, 3);
      expect(seqs(checkEvents(p1.events))).toEqual([1, 2, 3]);
      expect(p1.hasMore).toBe(true);
      const p2 = await store.eventsAfter(id, 3, 5);
      expect(seqs(p2.events)).toEqual([4, 5, 6, 7, 8]);
      expect(p2.hasMore).toBe(false);
      expect(await store.eventsAfter(id, 8, 10)).toEqual({ events: [], hasMore: false });
      expect(await store.eventsAfter(convId(), 0, 10)).toEqual({ events: [], hasMore: false });
    });
  });

  describe('edit, delete for everyone, hide', () => {
    it('edits: author only, the new content replaces the old (same kind), editedAt set', async () => {
      const [a, b, out] = await users(3);
      const id = await direct(a!, b!);
      const m = await send(id, a!, { ...textSend('B', 'T') });
      const r1 = await store.editMessage({ conversationId: id, messageId: m.id, actorId: a!.id, ...textEdit('B2', 'T'), at: T0 + 5 });
      expect(MessageSchema.parse(r1.message)).toEqual({ ...m, ...textMessage('B2', 'T'), editedAt: T0 + 5 });
      expect(checkEvents([r1.event])[0]).toEqual({
        type: 'message.edited',
        conversationId: id,
        seq: 5,
        actorId: a!.id,
        at: T0 + 5,
        messageId: m.id,
        ...textMessage('B2', 'T'),
        editedAt: T0 + 5,
      });
      const r2 = await store.editMessage({ conversationId: id, messageId: m.id, actorId: a!.id, ...textEdit('B3', null), at: T0 + 6 });
      expect(r2.message).toMatchObject({ ...textMessage('B3', null), editedAt: T0 + 6 });
      expect(r2.event).toMatchObject({ ...textMessage('B3', null), seq: 6 });
      expect(await store.getMessage(id, m.id)).toEqual(r2.message);
      expect(await store.getConversation(id)).toMatchObject({ lastSeq: 6, updatedAt: T0 + 6 });

      await expectCode(store.editMessage({ conversationId: id, messageId: m.id, actorId: b!.id, ...textEdit('x', null), at: T0 + 7 }), 'FORBIDDEN');
      // An edit keeps the kind: new content of another kind is refused, and changes nothing.
      const encrypted = { kind: 'encrypted' as const, content: { algorithm: 'test', ciphertext: 'AAAA' }, searchText: null };
      await expectCode(store.editMessage({ conversationId: id, messageId: m.id, actorId: a!.id, ...encrypted, at: T0 + 7 }), 'CONFLICT');
      expect(await store.getMessage(id, m.id)).toEqual(r2.message);
      await expectCode(store.editMessage({ conversationId: id, messageId: m.id, actorId: out!.id, ...textEdit('x', null), at: T0 + 7 }), 'NOT_MEMBER');
      await expectCode(store.editMessage({ conversationId: id, messageId: msgId(), actorId: a!.id, ...textEdit('x', null), at: T0 + 7 }), 'NOT_FOUND');
      await store.deleteMessageForEveryone({ conversationId: id, messageId: m.id, actorId: a!.id, at: T0 + 8 });
      await expectCode(store.editMessage({ conversationId: id, messageId: m.id, actorId: a!.id, ...textEdit('x', null), at: T0 + 9 }), 'NOT_FOUND');
      expect(await lastSeq(id)).toBe(7);
      // The log keeps every entry, but none of the deleted message's text.
      const log = checkEvents((await store.eventsAfter(id, 0, 100)).events);
      expect(log.map((e) => e.type)).toContain('message.edited');
      for (const text of ['B2', 'B3', '"T"']) expect(JSON.stringify(log)).not.toContain(text);
      expect(log.find((e) => e.type === 'message.created')).toMatchObject({ message: { id: m.id, ...DELETED_TEXT } });
    });

    it('deletes for everyone: author or group owner/admin, erasing body and title, once', async () => {
      const [o, ad, m1, m2] = await users(4);
      const id = await group(o!, [ad!, m1!, m2!]);
      await store.setMemberRole({ conversationId: id, actorId: o!.id, userId: ad!.id, role: 'admin', at: T0 });
      const byM1 = await send(id, m1!, { ...textSend('text', 'secret') });
      const byM2 = await send(id, m2!);
      const byO = await send(id, o!);

      await expectCode(store.deleteMessageForEveryone({ conversationId: id, messageId: byM1.id, actorId: m2!.id, at: T0 + 2 }), 'FORBIDDEN');
      const ev = await store.deleteMessageForEveryone({ conversationId: id, messageId: byM1.id, actorId: m1!.id, at: T0 + 3 });
      expect(checkEvents([ev])[0]).toEqual({ type: 'message.deleted', conversationId: id, seq: byO.seq + 1, actorId: m1!.id, at: T0 + 3, messageId: byM1.id });
      expect(await store.getMessage(id, byM1.id)).toEqual({ ...byM1, ...DELETED_TEXT, deletedAt: T0 + 3 });
      await expectCode(store.deleteMessageForEveryone({ conversationId: id, messageId: byM1.id, actorId: m1!.id, at: T0 + 4 }), 'NOT_FOUND');
      await expectCode(store.deleteMessageForEveryone({ conversationId: id, messageId: msgId(), actorId: o!.id, at: T0 + 4 }), 'NOT_FOUND');

      await store.deleteMessageForEveryone({ conversationId: id, messageId: byM2.id, actorId: ad!.id, at: T0 + 5 });
      await store.deleteMessageForEveryone({ conversationId: id, messageId: byO.id, actorId: o!.id, at: T0 + 6 });
      // The tombstones stay in history.
      const h = await store.history({ conversationId: id, viewerId: m2!.id, limit: 10 });
      expect(h.messages.map((m) => [m.id, m.kind, m.content, m.deletedAt !== null])).toEqual([
        [byM1.id, 'text', null, true],
        [byM2.id, 'text', null, true],
        [byO.id, 'text', null, true],
      ]);
    });

    it('in a direct conversation only the author deletes for everyone', async () => {
      const [a, b, out] = await users(3);
      const id = await direct(a!, b!);
      const m = await send(id, a!);
      await expectCode(store.deleteMessageForEveryone({ conversationId: id, messageId: m.id, actorId: b!.id, at: T0 + 2 }), 'FORBIDDEN');
      await expectCode(store.deleteMessageForEveryone({ conversationId: id, messageId: m.id, actorId: out!.id, at: T0 + 2 }), 'NOT_MEMBER');
      expect((await store.getMessage(id, m.id))!.deletedAt).toBeNull();
    });

    it('hides a message for one user only, idempotently, with a gapless user event', async () => {
      const [a, b, out] = await users(3);
      const id = await direct(a!, b!);
      const m1 = await send(id, a!);
      const m2 = await send(id, b!);
      const before = await lastSeq(id);

      const e1 = checkUserEvent(await store.hideMessage({ conversationId: id, messageId: m1.id, userId: b!.id, at: T0 + 5 }));
      expect(e1).toEqual({ type: 'message.hidden', userSeq: 1, at: T0 + 5, conversationId: id, messageId: m1.id });
      expect(await store.hideMessage({ conversationId: id, messageId: m1.id, userId: b!.id, at: T0 + 6 })).toEqual(e1);
      const e2 = checkUserEvent(await store.hideMessage({ conversationId: id, messageId: m2.id, userId: b!.id, at: T0 + 7 }));
      expect(e2.userSeq).toBe(2);
      expect(await lastSeq(id)).toBe(before);

      expect((await store.history({ conversationId: id, viewerId: b!.id, limit: 10 })).messages).toEqual([]);
      expect((await store.history({ conversationId: id, viewerId: a!.id, limit: 10 })).messages.map((m) => m.id)).toEqual([m1.id, m2.id]);
      const ue = await store.userEventsAfter(b!.id, 0, 10);
      expect(ue).toEqual({ events: [e1, e2], hasMore: false, userSeq: 2 });

      await expectCode(store.hideMessage({ conversationId: id, messageId: m1.id, userId: out!.id, at: T0 + 8 }), 'NOT_MEMBER');
      await expectCode(store.hideMessage({ conversationId: id, messageId: msgId(), userId: a!.id, at: T0 + 8 }), 'NOT_FOUND');
      // A message id from another conversation is unknown here.
      const elsewhere = await send(await direct(a!, out!), out!);
      await expectCode(store.hideMessage({ conversationId: id, messageId: elsewhere.id, userId: a!.id, at: T0 + 8 }), 'NOT_FOUND');
      expect((await store.userEventsAfter(a!.id, 0, 10)).userSeq).toBe(0);
    });
  });

  describe('history', () => {
    async function conversationWith(n: number) {
      const [a, b] = await users(2);
      const id = await direct(a!, b!);
      const sent: Message[] = [];
      for (let i = 0; i < n; i++) sent.push(await send(id, i % 2 ? b! : a!, { body: `m${i}` }));
      return { a: a!, b: b!, id, sent };
    }

    it('pages back from the newest and forward from a seq, always ascending', async () => {
      const { a, id, sent } = await conversationWith(12);
      const s = seqs(sent);
      const latest = await store.history({ conversationId: id, viewerId: a.id, limit: 5 });
      expect(seqs(latest.messages)).toEqual(s.slice(7));
      expect(latest.hasMore).toBe(true);
      for (const m of latest.messages) MessageSchema.parse(m);

      const older = await store.history({ conversationId: id, viewerId: a.id, before: latest.messages[0]!.seq, limit: 5 });
      expect(seqs(older.messages)).toEqual(s.slice(2, 7));
      expect(older.hasMore).toBe(true);
      const oldest = await store.history({ conversationId: id, viewerId: a.id, before: older.messages[0]!.seq, limit: 5 });
      expect(seqs(oldest.messages)).toEqual(s.slice(0, 2));
      expect(oldest.hasMore).toBe(false);

      const fwd = await store.history({ conversationId: id, viewerId: a.id, after: 0, limit: 5 });
      expect(seqs(fwd.messages)).toEqual(s.slice(0, 5));
      expect(fwd.hasMore).toBe(true);
      const fwd2 = await store.history({ conversationId: id, viewerId: a.id, after: s[9]!, limit: 5 });
      expect(seqs(fwd2.messages)).toEqual(s.slice(10));
      expect(fwd2.hasMore).toBe(false);

      const all = await store.history({ conversationId: id, viewerId: a.id, limit: 12 });
      expect(seqs(all.messages)).toEqual(s);
      expect(all.hasMore).toBe(false);
    });

    it('leaves out what the viewer hid, for that viewer only, without breaking hasMore', async () => {
      const { a, b, id, sent } = await conversationWith(6);
      for (const m of [sent[3]!, sent[4]!, sent[5]!]) await store.hideMessage({ conversationId: id, messageId: m.id, userId: a.id, at: T0 + 9 });
      const mine = await store.history({ conversationId: id, viewerId: a.id, limit: 3 });
      expect(mine.messages.map((m) => m.id)).toEqual(sent.slice(0, 3).map((m) => m.id));
      expect(mine.hasMore).toBe(false);
      const theirs = await store.history({ conversationId: id, viewerId: b.id, limit: 3 });
      expect(theirs.messages.map((m) => m.id)).toEqual(sent.slice(3).map((m) => m.id));
      expect(theirs.hasMore).toBe(true);
    });

    it('is members only', async () => {
      const { id } = await conversationWith(1);
      const out = await user();
      await expectCode(store.history({ conversationId: id, viewerId: out.id, limit: 10 }), 'NOT_MEMBER');
      await expectCode(store.history({ conversationId: convId(), viewerId: out.id, limit: 10 }), 'NOT_FOUND');
    });
  });
}
