/**
 * The contract every CacheStore adapter passes (memory, IndexedDB): per-user isolation,
 * atomic writes, records returned as put, files with a byte cap, clear. It asserts only
 * through the port and creates its own users, so tests do not depend on order.
 */
import { describe, expect, it } from 'vitest';
import type { Conversation, ConversationId, Message, UserId } from '@parley/protocol';
import type { CacheStore, CachedConversation } from './cache-store';

let counter = 0;
const user = (): UserId => `u${++counter}_${Math.random().toString(36).slice(2, 8)}` as UserId;

export function conversationRecord(id: string, seq: number, messages: number, usedAt = 1): CachedConversation {
  const cid = id as ConversationId;
  const list = Array.from({ length: messages }, (_, i) => ({ id: `${id}-m${i + 1}`, conversationId: cid, seq: i + 1, body: `message ${i + 1}` }) as unknown as Message);
  return {
    id: cid,
    conversation: { id: cid, lastSeq: seq, title: `conversation ${id}` } as unknown as Conversation,
    messages: list,
    hasOlder: false,
    seq,
    receiptsVersion: 2,
    extra: { notices: [{ seq: 1, text: 'joined' }] },
    usedAt,
  };
}

export function cacheStoreContract(name: string, factory: () => CacheStore): void {
  describe(`CacheStore contract: ${name}`, () => {
    it('an unknown user has an empty snapshot', async () => {
      const store = factory();
      expect(await store.load(user())).toEqual({ conversations: [], userSeq: 0 });
      store.close();
    });

    it('returns records as they were written, and puts and deletes in one write', async () => {
      const store = factory();
      const u = user();
      const a = conversationRecord('a', 5, 3);
      const b = conversationRecord('b', 9, 0);
      await store.write(u, { put: [a, b], delete: [], userSeq: 4 });
      const snap = await store.load(u);
      expect(snap.userSeq).toBe(4);
      expect([...snap.conversations].sort((x, y) => x.id.localeCompare(y.id))).toEqual([a, b]);

      const a2 = { ...conversationRecord('a', 7, 4), usedAt: 2 };
      await store.write(u, { put: [a2], delete: ['b' as ConversationId], userSeq: 6 });
      expect(await store.load(u)).toEqual({ conversations: [a2], userSeq: 6 });
      store.close();
    });

    it('what is stored does not change when the caller changes its objects afterwards', async () => {
      const store = factory();
      const u = user();
      const a = conversationRecord('a', 5, 2);
      await store.write(u, { put: [a], delete: [], userSeq: 1 });
      a.messages.push({ id: 'late' } as unknown as Message);
      (a.conversation as { title: string }).title = 'changed';
      const [stored] = (await store.load(u)).conversations;
      expect(stored!.messages).toHaveLength(2);
      expect((stored!.conversation as { title: string }).title).toBe('conversation a');
      store.close();
    });

    it("one user's data is invisible to and untouched by another's writes and clear", async () => {
      const store = factory();
      const [u1, u2] = [user(), user()];
      await store.write(u1, { put: [conversationRecord('same-id', 3, 1)], delete: [], userSeq: 1 });
      await store.write(u2, { put: [conversationRecord('same-id', 8, 2)], delete: [], userSeq: 2 });
      await store.putFile(u1, { id: 'f', name: 'a.txt', type: 'text/plain', size: 3, data: new Blob(['one']) }, 1000);
      expect((await store.load(u1)).conversations[0]!.seq).toBe(3);
      expect(await store.getFile(u2, 'f')).toBeNull();

      await store.clear(u2);
      expect(await store.load(u2)).toEqual({ conversations: [], userSeq: 0 });
      expect((await store.load(u1)).conversations[0]!.seq).toBe(3);
      expect(await store.getFile(u1, 'f')).not.toBeNull();

      await store.clear(u1);
      expect(await store.load(u1)).toEqual({ conversations: [], userSeq: 0 });
      expect(await store.getFile(u1, 'f')).toBeNull();
      store.close();
    });

    it('keeps a queued file as a Blob with its name and type, within the byte cap', async () => {
      const store = factory();
      const u = user();
      const bytes = new Uint8Array([137, 80, 78, 71, 1, 2, 3]);
      expect(await store.putFile(u, { id: 'img', name: 'dot.png', type: 'image/png', size: bytes.length, data: new Blob([bytes], { type: 'image/png' }) }, 10)).toBe(true);
      const file = await store.getFile(u, 'img');
      expect(file).toMatchObject({ id: 'img', name: 'dot.png', type: 'image/png', size: 7 });
      expect(new Uint8Array(await file!.data.arrayBuffer())).toEqual(bytes);

      // 7 + 4 > 10: refused, nothing stored.
      expect(await store.putFile(u, { id: 'more', name: 'b', type: '', size: 4, data: new Blob(['abcd']) }, 10)).toBe(false);
      expect(await store.getFile(u, 'more')).toBeNull();
      // Replacing the same id counts its new size only.
      expect(await store.putFile(u, { id: 'img', name: 'dot.png', type: 'image/png', size: 9, data: new Blob(['123456789']) }, 10)).toBe(true);

      await store.deleteFile(u, 'img');
      expect(await store.getFile(u, 'img')).toBeNull();
      expect(await store.putFile(u, { id: 'more', name: 'b', type: '', size: 4, data: new Blob(['abcd']) }, 10)).toBe(true);
      store.close();
    });
  });
}
