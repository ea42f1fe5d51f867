/**
 * The offline cache's own rules, on the memory store (the store's behaviour is the
 * contract's): cursors saved with the state they belong to, caps and least-recently-used
 * eviction, writes only for what changed, one user at a time, clear.
 */
import { describe, expect, it } from 'vitest';
import type { Conversation, ConversationId, Message, UserId } from '@parley/protocol';
import type { CacheStore, CacheWrite } from './cache-store';
import { memoryCacheStore } from './memory';
import { OfflineCache, type CacheLimits, type SavedView } from './offline-cache';

const conv = (id: string, lastSeq = 1): Conversation => ({ id, lastSeq, title: id }) as unknown as Conversation;
const msgs = (id: string, n: number, from = 1): Message[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${id}-${from + i}`, conversationId: id, seq: from + i }) as unknown as Message);

function setup(limits: Partial<CacheLimits> = {}) {
  const inner = memoryCacheStore();
  const writes: CacheWrite[] = [];
  const store: CacheStore = { ...inner, write: (u, w) => (writes.push(w), inner.write(u, w)) };
  const held = new Map<string, number>();
  let userSeq = 0;
  let clock = 1000;
  const make = () =>
    new OfflineCache({
      store,
      limits,
      cursor: (id) => ({ seq: held.get(id) ?? 0, receiptsVersion: held.has(id) ? 1 : 0 }),
      userSeq: () => userSeq,
      now: () => ++clock,
    });
  const cache = make();
  cache.useUser('alice' as UserId);
  return { cache, store, writes, held, make, setUserSeq: (n: number) => (userSeq = n) };
}

describe('OfflineCache', () => {
  it('saves each conversation with the cursor read at save time, and gives it back after a restart', async () => {
    const { cache, held, make, setUserSeq } = setup();
    held.set('a', 7);
    setUserSeq(3);
    const a: SavedView = { conversation: conv('a', 7), messages: msgs('a', 3, 5), hasOlder: true, extra: { notices: ['x'] } };
    await cache.save([a, { conversation: conv('b') }]);

    const again = make();
    again.useUser('alice' as UserId);
    expect(await again.cursors()).toEqual({ conversations: [{ id: 'a', seq: 7, receiptsVersion: 1 }], userSeq: 3 });
    expect(await again.conversations()).toHaveLength(2);
    expect((await again.recentMessages('a' as ConversationId)).map((m) => m.seq)).toEqual([5, 6, 7]);
    const [first] = await again.snapshot();
    expect(first).toMatchObject({ id: 'a', hasOlder: true, extra: { notices: ['x'] } });
  });

  it('keeps no messages for a conversation without a cursor (they could not be brought up to date)', async () => {
    const { cache } = setup();
    await cache.save([{ conversation: conv('a', 4), messages: msgs('a', 4) }]);
    expect(await cache.recentMessages('a' as ConversationId)).toEqual([]);
    expect(await cache.conversations()).toHaveLength(1);
  });

  it('keeps the newest messages per conversation and marks that older ones exist', async () => {
    const { cache, held } = setup({ messagesPerConversation: 3 });
    held.set('a', 10);
    await cache.save([{ conversation: conv('a', 10), messages: msgs('a', 10), hasOlder: false }]);
    expect((await cache.recentMessages('a' as ConversationId)).map((m) => m.seq)).toEqual([8, 9, 10]);
    expect((await cache.snapshot())[0]!.hasOlder).toBe(true);
  });

  it('over the total cap, the least recently used conversations lose their messages, then past the conversation cap their summaries', async () => {
    const { cache, held } = setup({ messages: 5, conversations: 2 });
    for (const id of ['a', 'b', 'c']) held.set(id, 3);
    const views = Object.fromEntries(['a', 'b', 'c'].map((id) => [id, { conversation: conv(id, 3), messages: msgs(id, 3) } as SavedView]));
    // Used in the order c, b, a: each save changes only one conversation.
    await cache.save([views.c!]);
    await cache.save([views.c!, views.b!]);
    await cache.save([views.c!, views.b!, views.a!]);
    const snap = await cache.snapshot();
    expect(snap.map((c) => c.id)).toEqual(['a', 'b']);
    expect(snap.map((c) => c.messages.length)).toEqual([3, 2]);
    expect(snap[1]!.messages.map((m) => m.seq)).toEqual([2, 3]);
  });

  it('writes only what changed, and drops what the app no longer shows', async () => {
    const { cache, writes, held } = setup();
    held.set('a', 2);
    held.set('b', 2);
    const a: SavedView = { conversation: conv('a', 2), messages: msgs('a', 2) };
    const b: SavedView = { conversation: conv('b', 2), messages: msgs('b', 2) };
    await cache.save([a, b]);
    expect(writes.at(-1)!.put.map((c) => c.id).sort()).toEqual(['a', 'b']);

    await cache.save([a, b]);
    expect(writes).toHaveLength(1);

    held.set('b', 3);
    const b2: SavedView = { conversation: conv('b', 3), messages: [...msgs('b', 3)] };
    await cache.save([a, b2]);
    expect(writes.at(-1)).toMatchObject({ put: [{ id: 'b', seq: 3 }], delete: [] });

    await cache.save([b2]);
    expect(writes.at(-1)).toMatchObject({ put: [], delete: ['a'] });
    expect((await cache.conversations()).map((c) => c.id)).toEqual(['b']);
  });

  it('saves run one at a time and the newest waiting state wins', async () => {
    const inner = memoryCacheStore();
    const written: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const firstStarted = new Promise<void>((r) => (started = r));
    const store: CacheStore = {
      ...inner,
      write: async (u, w) => {
        written.push((w.put[0]?.conversation as { lastSeq: number }).lastSeq);
        started();
        await gate;
        return inner.write(u, w);
      },
    };
    const cache = new OfflineCache({ store, cursor: () => ({ seq: 1, receiptsVersion: 0 }), userSeq: () => 0 });
    cache.useUser('alice' as UserId);
    const saves = [cache.save([{ conversation: conv('a', 1), messages: msgs('a', 1) }])];
    await firstStarted;
    // Asked for while the first runs: 2 and 3 are replaced by 4 before their turn.
    for (const n of [2, 3, 4]) saves.push(cache.save([{ conversation: conv('a', n), messages: msgs('a', 1) }]));
    release();
    await Promise.all(saves);
    expect(written).toEqual([1, 4]);
    expect(((await cache.conversations())[0] as unknown as { lastSeq: number }).lastSeq).toBe(4);
  });

  it('is per user: another user sees nothing of the first, and clear removes only its own', async () => {
    const { cache, held, make } = setup();
    held.set('a', 2);
    await cache.save([{ conversation: conv('a', 2), messages: msgs('a', 2) }]);
    expect(await cache.putFile({ id: 'f', name: 'f.txt', type: 'text/plain', size: 1, data: new Blob(['x']) })).toBe(true);

    const bob = make();
    bob.useUser('bob' as UserId);
    expect(await bob.conversations()).toEqual([]);
    expect(await bob.getFile('f')).toBeNull();
    await bob.save([{ conversation: conv('z', 1) }]);

    await cache.clear('alice' as UserId);
    expect(cache.user).toBeNull();
    expect(await cache.conversations()).toEqual([]);
    const aliceAgain = make();
    aliceAgain.useUser('alice' as UserId);
    expect(await aliceAgain.conversations()).toEqual([]);
    expect(await aliceAgain.getFile('f')).toBeNull();
    expect((await bob.conversations()).map((c) => c.id)).toEqual(['z']);
  });

  it('refuses queued files past the byte cap', async () => {
    const { cache } = setup({ fileBytes: 5 });
    expect(await cache.putFile({ id: '1', name: 'a', type: '', size: 4, data: new Blob(['abcd']) })).toBe(true);
    expect(await cache.putFile({ id: '2', name: 'b', type: '', size: 2, data: new Blob(['ab']) })).toBe(false);
  });

  it('a failing store never fails a save (the app keeps working from memory)', async () => {
    const { held } = setup();
    const broken: CacheStore = { ...memoryCacheStore(), write: () => Promise.reject(new Error('QuotaExceededError')) };
    const cache = new OfflineCache({ store: broken, cursor: (id) => ({ seq: held.get(id) ?? 1, receiptsVersion: 0 }), userSeq: () => 0 });
    cache.useUser('alice' as UserId);
    await expect(cache.save([{ conversation: conv('a') }])).resolves.toBeUndefined();
  });
});
