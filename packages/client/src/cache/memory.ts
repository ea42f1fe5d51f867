/** The in-memory cache store: the default (nothing survives the process) and Node's. */
import type { UserId } from '@parley/protocol';
import type { CacheSnapshot, CacheStore, CachedConversation, QueuedFile } from './cache-store';

interface UserData {
  conversations: Map<string, CachedConversation>;
  userSeq: number;
  files: Map<string, QueuedFile>;
}

export function memoryCacheStore(): CacheStore {
  const users = new Map<UserId, UserData>();
  const of = (userId: UserId): UserData => {
    let d = users.get(userId);
    if (!d) users.set(userId, (d = { conversations: new Map(), userSeq: 0, files: new Map() }));
    return d;
  };
  // structuredClone: callers must not be able to change what is stored through their references, as with IndexedDB.
  return {
    async load(userId): Promise<CacheSnapshot> {
      const d = users.get(userId);
      return d ? { conversations: [...d.conversations.values()].map((c) => structuredClone(c)), userSeq: d.userSeq } : { conversations: [], userSeq: 0 };
    },
    async write(userId, change) {
      const d = of(userId);
      for (const id of change.delete) d.conversations.delete(id);
      for (const c of change.put) d.conversations.set(c.id, structuredClone(c));
      d.userSeq = change.userSeq;
    },
    async putFile(userId, file, maxBytes) {
      const d = of(userId);
      let total = file.size;
      for (const f of d.files.values()) if (f.id !== file.id) total += f.size;
      if (total > maxBytes) return false;
      d.files.set(file.id, { ...file });
      return true;
    },
    async getFile(userId, id) {
      const f = users.get(userId)?.files.get(id);
      return f ? { ...f } : null;
    },
    async deleteFile(userId, id) {
      users.get(userId)?.files.delete(id);
    },
    async clear(userId) {
      users.delete(userId);
    },
    close() {},
  };
}
