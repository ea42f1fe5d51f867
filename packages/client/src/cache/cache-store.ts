/**
 * The port of the SDK's offline cache: what the app showed (conversations and their
 * newest messages) with the catch-up cursors they are current to, and the files of sends
 * queued offline. Adapters: indexeddb.ts (browsers), memory.ts (Node, tests, and the
 * default). Both pass cache-store-contract.ts.
 *
 * Guarantees every adapter gives:
 * - Everything is per user: one user's calls never read or change another's data.
 * - `write` is atomic: all its puts and deletes and the user cursor land together or
 *   not at all, so a reader never sees a conversation's messages without the cursor they
 *   are current to (see offline-cache.ts for why that matters).
 * - Records come back as they were put (structured clone: Blobs stay Blobs). The store
 *   looks at nothing in a conversation, message or `extra` beyond what this file names.
 * - `clear(userId)` removes every record and file of that user.
 * A failing backend (quota, a private mode without IndexedDB) rejects; the SDK then keeps
 * working from memory, it only loses the offline copy.
 */
import type { Conversation, ConversationId, Message, UserId } from '@parley/protocol';

/** One conversation as the cache keeps it. */
export interface CachedConversation {
  id: ConversationId;
  /** The summary the app showed, stored as is. */
  conversation: Conversation;
  /** Its newest messages, ascending by seq and contiguous, stored as is (empty when none were loaded). */
  messages: Message[];
  /** Whether older messages exist than the first one kept. */
  hasOlder: boolean;
  /** The catch-up cursor: every event up to this seq is reflected in `conversation` and `messages` (0: unknown). */
  seq: number;
  receiptsVersion: number;
  /** The app's own derived data for this conversation (e.g. timeline notices), stored as is. */
  extra?: unknown;
  /** Epoch ms the app last changed or showed it: the least recently used go first when over a cap. */
  usedAt: number;
}

export interface CacheSnapshot {
  conversations: CachedConversation[];
  /** The per-user events cursor the conversations are current to (0: unknown). */
  userSeq: number;
}

/** A file of a send queued offline, kept until it is uploaded. */
export interface QueuedFile {
  /** A local id, unique per user. */
  id: string;
  name: string;
  /** The MIME type the platform gave (the server detects the real one from the bytes). */
  type: string;
  size: number;
  data: Blob;
}

export interface CacheWrite {
  put: CachedConversation[];
  delete: ConversationId[];
  userSeq: number;
}

export interface CacheStore {
  /** The user's cached conversations (any order) and user cursor; an empty snapshot when none. */
  load(userId: UserId): Promise<CacheSnapshot>;
  /** Puts and deletes conversations and sets the user cursor, atomically. */
  write(userId: UserId, change: CacheWrite): Promise<void>;
  /** Stores a queued file unless the user's queued files would then exceed `maxBytes` (then false, nothing stored). */
  putFile(userId: UserId, file: QueuedFile, maxBytes: number): Promise<boolean>;
  getFile(userId: UserId, id: string): Promise<QueuedFile | null>;
  deleteFile(userId: UserId, id: string): Promise<void>;
  /** Removes everything of this user: conversations, cursor and queued files. */
  clear(userId: UserId): Promise<void>;
  close(): void;
}
