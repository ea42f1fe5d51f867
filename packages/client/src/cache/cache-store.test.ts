/**
 * Both cache stores against one contract. IndexedDB runs on fake-indexeddb, an in-memory
 * implementation of the browser API (a stand-in for the browser, not for our code); the
 * real browser's IndexedDB is covered by e2e/offline.test.ts.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { UserId } from '@parley/protocol';
import { cacheStoreContract, conversationRecord } from './cache-store-contract';
import { indexedDbCacheStore } from './indexeddb';
import { memoryCacheStore } from './memory';

let dbs = 0;
cacheStoreContract('memory', memoryCacheStore);
cacheStoreContract('indexeddb', () => indexedDbCacheStore({ name: `parley-cache-test-${++dbs}` }));

describe('indexedDbCacheStore', () => {
  it('keeps the data across connections: a reopened database (a reload) reads what was written', async () => {
    const name = `parley-cache-reload-${++dbs}`;
    const u = 'u-reload' as UserId;
    const first = indexedDbCacheStore({ name });
    await first.write(u, { put: [conversationRecord('a', 4, 2)], delete: [], userSeq: 3 });
    await first.putFile(u, { id: 'f', name: 'f.txt', type: 'text/plain', size: 2, data: new Blob(['hi']) }, 100);
    first.close();

    const second = indexedDbCacheStore({ name });
    expect(await second.load(u)).toEqual({ conversations: [conversationRecord('a', 4, 2)], userSeq: 3 });
    expect(await (await second.getFile(u, 'f'))!.data.text()).toBe('hi');
    second.close();
  });

  it('rejects with UNAVAILABLE where there is no IndexedDB', async () => {
    const store = indexedDbCacheStore({ name: 'x', indexedDB: undefined });
    const saved = globalThis.indexedDB;
    // @ts-expect-error removing the browser API for this check
    delete globalThis.indexedDB;
    try {
      await expect(store.load('u' as UserId)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    } finally {
      globalThis.indexedDB = saved;
    }
  });
});
