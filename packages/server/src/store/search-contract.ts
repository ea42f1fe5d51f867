/**
 * The search contract: Store.search against every adapter (sqlite-search.test.ts,
 * postgres-search.test.ts). Speaks only through the port; fresh users per test, and a
 * unique tag in every text so tests never see each other's messages.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AttachmentId, ClientMessageId, ConversationId, MessageId, UserId } from '@parley/protocol';
import type { SendInput, Store } from './port';
import { openForSuite, type StoreFactory } from './contract';
import { SEARCH_SCAN_MAX, type SearchCursor } from './search-port';
import { textEdit, textSend } from '../test-support/text-content';

const T0 = 1_700_000_000_000;

export function searchContract(name: string, factory: StoreFactory): void {
  describe(`Search contract: ${name}`, () => {
    let store!: Store;
    let clock = T0;
    openForSuite(factory, (s) => (store = s));

    const fresh = (prefix: string) => `${prefix}${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const tag = () => fresh('q').slice(0, 10);
    async function user(): Promise<UserId> {
      const id = fresh('u') as UserId;
      await store.createUser({ id, username: id.toLowerCase(), displayName: 'U', passwordHash: 'h', createdAt: T0 });
      return id;
    }
    async function group(owner: UserId, members: UserId[]): Promise<ConversationId> {
      const id = fresh('c') as ConversationId;
      await store.createGroup({ id, ownerId: owner, title: 'G', memberIds: members, maxMembers: 100, at: T0 });
      return id;
    }
    type Extra = Partial<SendInput> & { title?: string | null };
    const input = (conversationId: ConversationId, senderId: UserId, body: string, { title = null, ...extra }: Extra = {}): SendInput => ({
      conversationId,
      senderId,
      clientMessageId: fresh('k') as ClientMessageId,
      messageId: fresh('m') as MessageId,
      ...textSend(body, title),
      at: ++clock,
      ...extra,
    });
    async function send(conversationId: ConversationId, senderId: UserId, body: string, extra: Extra = {}) {
      const [r] = await store.appendMessages([input(conversationId, senderId, body, extra)]);
      if (!r?.ok) throw new Error('send failed');
      return r.message;
    }
    const ids = async (userId: UserId, terms: string[], cursor?: SearchCursor) =>
      (await store.search.searchMessages({ userId, terms, limit: 50, ...(cursor ? { cursor } : {}) })).hits.map((h) => h.message.id);

    it('matches substrings case-insensitively in any script, in body, title and attachment names', async () => {
      const [a, b] = [await user(), await user()];
      const conv = await group(a, [b]);
      const t = tag();
      const ja = await send(conv, a, `東京タワー ${t}`);
      const en = await send(conv, a, `The TOWER ${t}`);
      const titled = await send(conv, a, 'body', { title: `Budget ${t} Review` });
      const file = fresh('a') as AttachmentId;
      await store.attachments.reserve({ id: file, ownerId: a, name: `報告書-${t}.pdf`, reservedBytes: 10, quotaBytes: 1000, at: T0 });
      await store.attachments.complete({ id: file, size: 10, contentType: 'application/pdf', kind: 'file', width: null, height: null, hasThumbnail: false });
      const attached = await send(conv, a, 'see file', { attachmentIds: [file] });
      expect(await ids(b, ['京タワ', t])).toEqual([ja.id]);
      expect(await ids(b, ['tOwEr', t])).toEqual([en.id]);
      expect(await ids(b, ['review', t])).toEqual([titled.id]);
      expect(await ids(b, ['告書', t])).toEqual([attached.id]);
      const [hit] = (await store.search.searchMessages({ userId: b, terms: [t, '京'], limit: 5 })).hits;
      expect(hit).toMatchObject({ conversation: { id: conv, kind: 'group', title: 'G' }, peerId: null });
    });

    it('follows edits, deletes for everyone, hides and leaving', async () => {
      const [a, b] = [await user(), await user()];
      const conv = await group(a, [b]);
      const [t1, t2] = [tag(), tag()];
      const m = await send(conv, a, `first ${t1}`);
      await store.editMessage({ conversationId: conv, messageId: m.id, actorId: a, ...textEdit(`second ${t2}`), at: ++clock });
      expect(await ids(b, [t1])).toEqual([]);
      expect(await ids(b, [t2])).toEqual([m.id]);
      await store.hideMessage({ conversationId: conv, messageId: m.id, userId: b, at: ++clock });
      expect(await ids(b, [t2])).toEqual([]);
      expect(await ids(a, [t2])).toEqual([m.id]);
      const other = await send(conv, b, `other ${t2}`);
      await store.removeMember({ conversationId: conv, actorId: b, userId: b, at: ++clock });
      expect(await ids(b, [t2])).toEqual([]);
      expect(await ids(a, [t2])).toEqual([other.id, m.id]);
      await store.deleteMessageForEveryone({ conversationId: conv, messageId: m.id, actorId: a, at: ++clock });
      expect(await ids(a, [t2])).toEqual([other.id]);
    });

    it('a non-member finds nothing, whatever the path', async () => {
      const [a, b, outsider] = [await user(), await user(), await user()];
      const conv = await group(a, [b]);
      const t = tag();
      await send(conv, a, `private ${t} 秘`);
      expect(await ids(outsider, [t])).toEqual([]);
      expect(await ids(outsider, ['秘'])).toEqual([]);
    });

    it('pages newest first on the indexed path without repeats', async () => {
      const [a] = [await user()];
      const conv = await group(a, []);
      const t = tag();
      const sent: string[] = [];
      for (let i = 0; i < 5; i++) sent.push((await send(conv, a, `${t} ${i}`)).id);
      const seen: string[] = [];
      let cursor: SearchCursor | undefined;
      for (;;) {
        const page = await store.search.searchMessages({ userId: a, terms: [t], limit: 2, ...(cursor ? { cursor } : {}) });
        seen.push(...page.hits.map((h) => h.message.id));
        if (!page.next) break;
        cursor = page.next;
      }
      expect(seen).toEqual([...sent].reverse());
    });

    it('the short-term path examines a bounded slice per call and resumes after it', async () => {
      const [a] = [await user()];
      const conv = await group(a, []);
      const needle = await send(conv, a, '¤¤ oldest');
      const filler = Array.from({ length: SEARCH_SCAN_MAX }, (_, i) => input(conv, a, `filler ${i}`));
      for (let i = 0; i < filler.length; i += 500) await store.appendMessages(filler.slice(i, i + 500));
      const first = await store.search.searchMessages({ userId: a, terms: ['¤¤'], limit: 10 });
      expect(first.hits).toEqual([]);
      expect(first.next).not.toBeNull();
      const second = await store.search.searchMessages({ userId: a, terms: ['¤¤'], limit: 10, cursor: first.next! });
      expect(second.hits.map((h) => h.message.id)).toEqual([needle.id]);
      expect(second.next).toBeNull();
    });
  });
}
