/**
 * Store contract, part: typed content and relations. Content of any kind is stored and
 * returned as given (the adapter never looks inside); what search reads is searchText
 * alone, so an encrypted message is never found; relations are checked in the writing
 * transaction (domain/rules/message-relations.ts). See ../contract.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { searchTextOf, type MessageId, type TypedContent } from '@parley/protocol';
import type { SendInput, Store } from '../port';
import { T0, type Kit } from './kit';
import { textEdit, textMessage } from '../../test-support/text-content';

const ENCRYPTED = { kind: 'encrypted' as const, content: { algorithm: 'test-1', ciphertext: 'c2VjcmV0IHBsYW5zIGZvciBtb25kYXk=' } };
const NOTICE = { kind: 'system' as const, content: { notice: 'welcome', text: 'Welcome to the group' } };

/** A send of `typed`, with the search text the domain gives it. */
const typed = (t: TypedContent): Partial<SendInput> => ({ ...t, searchText: searchTextOf(t) });

export function typedContent(k: Kit): void {
  const { users, group, direct, input, send, okMessage, expectCode, checkEvents, allEvents, lastSeq, msgId } = k;
  let store!: Store;
  beforeAll(() => {
    store = k.store();
  });

  describe('typed content', () => {
    it('stores every kind as given and returns it in reads, history and the log', async () => {
      const [a, b] = await users(2);
      const id = await group(a!, [b!]);
      const sent = [await send(id, a!, { body: 'plain', title: 'Hi' }), await send(id, a!, typed(ENCRYPTED)), await send(id, a!, typed(NOTICE))];
      expect(sent.map((m) => ({ kind: m.kind, content: m.content }))).toEqual([textMessage('plain', 'Hi'), ENCRYPTED, NOTICE]);
      for (const m of sent) expect(await store.getMessage(id, m.id)).toEqual(m);
      expect((await store.history({ conversationId: id, viewerId: b!.id, limit: 10 })).messages).toEqual(sent);
      const created = (await allEvents(id)).filter((e) => e.type === 'message.created');
      expect(created.map((e) => (e.type === 'message.created' ? e.message : null))).toEqual(sent);
    });

    it('never finds a message search may not read (encrypted), by any term of its payload', async () => {
      const [a, b] = await users(2);
      const id = await direct(a!, b!);
      const secret = await send(id, a!, typed(ENCRYPTED));
      const plain = await send(id, a!, { body: `visible ${ENCRYPTED.content.ciphertext.slice(0, 12)}` });
      for (const terms of [[ENCRYPTED.content.ciphertext.slice(0, 12)], ['test-1'], ['c2'], ['algorithm']]) {
        const hits = (await store.search.searchMessages({ userId: b!.id, terms, limit: 10 })).hits.map((h) => h.message.id);
        expect(hits, terms.join(' ')).not.toContain(secret.id);
      }
      expect((await store.search.searchMessages({ userId: b!.id, terms: ['visible'], limit: 10 })).hits.map((h) => h.message.id)).toEqual([plain.id]);
    });

    it('edits an encrypted message to new ciphertext, still unindexed; deleting keeps the kind and drops the content', async () => {
      const [a, b] = await users(2);
      const id = await direct(a!, b!);
      const m = await send(id, a!, typed(ENCRYPTED));
      const next = { kind: 'encrypted' as const, content: { algorithm: 'test-1', ciphertext: 'bmV3IHBsYW5z' } };
      const edited = await store.editMessage({ conversationId: id, messageId: m.id, actorId: a!.id, ...next, searchText: null, at: T0 + 5 });
      expect(edited.message).toMatchObject({ ...next, editedAt: T0 + 5 });
      checkEvents([edited.event]);
      await expectCode(store.editMessage({ conversationId: id, messageId: m.id, actorId: a!.id, ...textEdit('now plain'), at: T0 + 6 }), 'CONFLICT');
      await store.deleteMessageForEveryone({ conversationId: id, messageId: m.id, actorId: a!.id, at: T0 + 7 });
      expect(await store.getMessage(id, m.id)).toMatchObject({ kind: 'encrypted', content: null, deletedAt: T0 + 7 });
      const log = checkEvents(await allEvents(id));
      expect(JSON.stringify(log)).not.toMatch(/bmV3IHBsYW5z|c2VjcmV0/);
    });
  });

  describe('relations', () => {
    it('stores replyTo and threadRootId and returns them', async () => {
      const [a, b] = await users(2);
      const id = await group(a!, [b!]);
      const root = await send(id, a!, { body: 'root' });
      const inThread = await send(id, b!, { body: 'in thread', threadRootId: root.id });
      const reply = await send(id, a!, { body: 'reply', threadRootId: root.id, replyTo: inThread.id });
      const plainReply = await send(id, b!, { body: 'quote', replyTo: root.id });
      expect([inThread, reply, plainReply].map((m) => [m.replyTo, m.threadRootId, m.targetId])).toEqual([
        [null, root.id, null],
        [inThread.id, root.id, null],
        [root.id, null, null],
      ]);
      expect(await store.getMessage(id, reply.id)).toEqual(reply);
    });

    it('refuses a relation to nothing this sender may relate to with RELATION_INVALID, storing nothing', async () => {
      const [a, b, c] = await users(3);
      const id = await group(a!, [b!]);
      const other = await direct(a!, c!);
      const root = await send(id, a!, { body: 'root' });
      const inThread = await send(id, a!, { body: 'in thread', threadRootId: root.id });
      const elsewhere = await send(other, a!, { body: 'elsewhere' });
      const before = await lastSeq(id);
      const refused: Partial<SendInput>[] = [
        { replyTo: msgId() }, // no such message
        { replyTo: elsewhere.id }, // another conversation
        { threadRootId: inThread.id }, // not a root: threads are one level deep
        { threadRootId: elsewhere.id },
        { threadRootId: root.id, replyTo: (await send(id, b!, { body: 'main timeline' })).id }, // a reply from outside the thread
        { targetId: root.id }, // text takes no target
      ];
      const seqBefore = await lastSeq(id);
      const results = await store.appendMessages(refused.map((r) => input(id, a!, r)));
      expect(results).toEqual(refused.map(() => ({ ok: false, code: 'RELATION_INVALID' })));
      expect(await lastSeq(id)).toBe(seqBefore);
      expect(seqBefore).toBe(before + 1);
    });

    it('allows a reply to a deleted message, and not to one before where the sender reads', async () => {
      const [o, a, late] = await users(3);
      const id = await store
        .createGroup({ id: k.convId(), ownerId: o!.id, title: 'joined', memberIds: [a!.id], maxMembers: 10, historyVisibility: 'joined', at: T0 })
        .then((r) => r.conversation.id);
      const early = await send(id, a!, { body: 'before the join' });
      await store.addMembers({ conversationId: id, actorId: o!.id, userIds: [late!.id], maxMembers: 10, at: T0 + 1 });
      const [refused] = await store.appendMessages([input(id, late!, { replyTo: early.id })]);
      expect(refused).toEqual({ ok: false, code: 'RELATION_INVALID' });
      const gone = await send(id, a!, { body: 'soon gone' });
      await store.deleteMessageForEveryone({ conversationId: id, messageId: gone.id, actorId: a!.id, at: T0 + 2 });
      const reply = await send(id, late!, { body: 'answering a deleted one', replyTo: gone.id });
      expect(reply.replyTo).toBe(gone.id);
    });

    it('returns a stored message to its retry even when the retry names a relation that no longer holds', async () => {
      const [a, b] = await users(2);
      const id = await direct(a!, b!);
      const first = await send(id, a!, { body: 'hello' });
      const reply = okMessage((await store.appendMessages([input(id, b!, { replyTo: first.id })]))[0]);
      const [retry] = await store.appendMessages([input(id, b!, { clientMessageId: reply.clientMessageId, replyTo: 'gone' as MessageId })]);
      expect(retry).toEqual({ ok: true, message: reply, duplicate: true, event: null });
    });
  });
}
