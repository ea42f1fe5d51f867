/**
 * The IndexedDB cache store (browsers). One database for every user of the origin, each
 * record keyed by [userId, id], so one user's data is a key range: loaded, replaced and
 * cleared without touching anyone else's. Uses `idb`, a ~1 kB promise wrapper over the
 * IndexedDB API, so transactions read as straight-line code.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ConversationId, UserId } from '@parley/protocol';
import { ParleyError } from '../parley-error';
import type { CacheStore, CachedConversation, QueuedFile } from './cache-store';

interface CacheDB extends DBSchema {
  conversations: { key: [string, string]; value: CachedConversation & { userId: UserId } };
  meta: { key: string; value: { userId: UserId; userSeq: number } };
  files: { key: [string, string]; value: QueuedFile & { userId: UserId } };
}

const VERSION = 1;
/** A database the browser does not answer within this long (blocked by another tab's upgrade, a wedged disk) counts as unavailable. */
const DEADLINE_MS = 10_000;

export interface IndexedDbCacheOptions {
  /** Database name; default 'parley-cache'. */
  name?: string;
  /** Defaults to globalThis.indexedDB. */
  indexedDB?: IDBFactory;
}

/** The user's key range: [userId] < [userId, anything] < [userId, []] (arrays sort after strings). */
function userRange(userId: UserId): IDBKeyRange {
  return IDBKeyRange.bound([userId], [userId, []]);
}

function withDeadline<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ParleyError('UNAVAILABLE', `IndexedDB did not answer (${what})`, { retryable: true })), DEADLINE_MS);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

export function indexedDbCacheStore(opts: IndexedDbCacheOptions = {}): CacheStore {
  const name = opts.name ?? 'parley-cache';
  let db: Promise<IDBPDatabase<CacheDB>> | null = null;
  const open = (): Promise<IDBPDatabase<CacheDB>> => {
    if (!db) {
      const factory = opts.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
      if (!factory) return Promise.reject(new ParleyError('UNAVAILABLE', 'no IndexedDB here', { retryable: false }));
      const opening = withDeadline(
        openDB<CacheDB>(name, VERSION, {
          upgrade(d) {
            d.createObjectStore('conversations', { keyPath: ['userId', 'id'] });
            d.createObjectStore('meta', { keyPath: 'userId' });
            d.createObjectStore('files', { keyPath: ['userId', 'id'] });
          },
          // Another tab with a newer app version wants to upgrade: let it (this tab reopens on next use).
          blocking() {
            void opening.then((x) => x.close());
            db = null;
          },
          terminated() {
            db = null;
          },
        }),
        'open',
      );
      db = opening;
      opening.catch(() => {
        if (db === opening) db = null;
      });
    }
    return db;
  };

  return {
    async load(userId) {
      const d = await open();
      return withDeadline(
        (async () => {
          const tx = d.transaction(['conversations', 'meta'], 'readonly');
          const [rows, meta] = await Promise.all([tx.objectStore('conversations').getAll(userRange(userId)), tx.objectStore('meta').get(userId)]);
          await tx.done;
          const conversations = rows.map(({ userId: _u, ...c }) => c);
          return { conversations, userSeq: meta?.userSeq ?? 0 };
        })(),
        'load',
      );
    },

    async write(userId, change) {
      const d = await open();
      const tx = d.transaction(['conversations', 'meta'], 'readwrite');
      const store = tx.objectStore('conversations');
      const ops: Promise<unknown>[] = [];
      for (const id of change.delete) ops.push(store.delete([userId, id as ConversationId]));
      for (const c of change.put) ops.push(store.put({ ...c, userId }));
      ops.push(tx.objectStore('meta').put({ userId, userSeq: change.userSeq }));
      // Any failed request aborts the whole transaction: nothing of this write lands.
      await withDeadline(Promise.all([...ops, tx.done]), 'write');
    },

    async putFile(userId, file, maxBytes) {
      const d = await open();
      const tx = d.transaction('files', 'readwrite');
      const run = (async () => {
        // Summed in the same transaction, so two tabs queueing at once cannot both squeeze past the cap.
        const existing = await tx.store.getAll(userRange(userId));
        const total = existing.reduce((n, f) => (f.id === file.id ? n : n + f.size), file.size);
        if (total > maxBytes) {
          await tx.done;
          return false;
        }
        await tx.store.put({ ...file, userId });
        await tx.done;
        return true;
      })();
      return withDeadline(run, 'putFile');
    },

    async getFile(userId, id) {
      const d = await open();
      const row = await withDeadline(d.get('files', [userId, id]), 'getFile');
      if (!row) return null;
      const { userId: _u, ...file } = row;
      return file;
    },

    async deleteFile(userId, id) {
      const d = await open();
      await withDeadline(d.delete('files', [userId, id]), 'deleteFile');
    },

    async clear(userId) {
      const d = await open();
      const tx = d.transaction(['conversations', 'meta', 'files'], 'readwrite');
      await withDeadline(
        Promise.all([tx.objectStore('conversations').delete(userRange(userId)), tx.objectStore('meta').delete(userId), tx.objectStore('files').delete(userRange(userId)), tx.done]),
        'clear',
      );
    },

    close() {
      const current = db;
      db = null;
      void current?.then((x) => x.close(), () => {});
    },
  };
}
