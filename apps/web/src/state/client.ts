/**
 * The one SDK client of this page: same origin, session and outbox kept in localStorage
 * (written synchronously, so a send survives a reload the moment it is made), the offline
 * cache (conversations, recent messages, files of sends queued offline) in IndexedDB.
 */
import { indexedDbCacheStore, memoryCacheStore, memoryStorage, ParleyClient, type CacheStore, type KeyValueStorage } from '@parley/client';

function browserStorage(): KeyValueStorage {
  try {
    const probe = '__parley_probe__';
    window.localStorage.setItem(probe, '1');
    window.localStorage.removeItem(probe);
    return window.localStorage;
  } catch {
    // Storage disabled (some private modes): the app works, but a reload logs out.
    return memoryStorage();
  }
}

function browserCache(): CacheStore {
  // Without IndexedDB (some private modes) the app still works; it just opens empty offline.
  return typeof indexedDB === 'undefined' ? memoryCacheStore() : indexedDbCacheStore();
}

export function createClient(): ParleyClient {
  return new ParleyClient({ baseUrl: location.origin, storage: browserStorage(), cache: browserCache(), reconnect: { minDelayMs: 500, maxDelayMs: 10_000 } });
}
