/**
 * @parley/client — the Parley SDK for browsers and Node.
 *
 *   const client = new ParleyClient({ baseUrl: 'https://chat.example.com', storage: localStorage, cache: indexedDbCacheStore() });
 *   if (!client.restoreSession()) await client.login({ username, password });
 *   show(await client.cache.conversations()); // what was saved last time, with no network
 *   client.on('event', (e) => render(e));
 *   await client.connect();
 *   const { done } = client.send(conversationId, textMessage('hi')); // textMessage from @parley/protocol
 */
export { ParleyClient, type ParleyClientOptions, type ClientEvents, type ClientStatus } from './client';
export { ParleyError } from './parley-error';
export { draftOf, type OutboxItem, type QueuedFileRef } from './outbox';
export type { FileToSend } from './queued-files';
export { OfflineCache, DEFAULT_CACHE_LIMITS, type CacheLimits, type SavedView, type CacheCursors } from './cache/offline-cache';
export type { CacheStore, CachedConversation, QueuedFile } from './cache/cache-store';
export { indexedDbCacheStore, type IndexedDbCacheOptions } from './cache/indexeddb';
export { memoryCacheStore } from './cache/memory';
export type { KeyValueStorage } from './storage';
export { memoryStorage } from './storage';
export type { WebSocketCtor, WebSocketLike } from './connection';
export type { RequestArgs } from './http';
