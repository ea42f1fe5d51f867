/**
 * The offline cache as the app sees it (`client.cache`): the conversations and newest
 * messages the app last showed, readable with no network, plus the files of sends queued
 * offline. Bound to the logged-in user; cleared when the session ends.
 *
 * Consistency: each conversation is saved with the catch-up cursor (the sequencer's held
 * seq and receiptsVersion, and the user cursor) read at the same moment as the app's
 * state, and written atomically with it. At the next start the sequencer resumes from
 * those cursors, so catch-up delivers exactly the events after what the saved copy shows:
 * nothing between is lost, and what is delivered again (a cursor may lag a REST snapshot)
 * the app already merges idempotently. The app must save only state that reflects every
 * event released so far (not while it holds events back, see ChatStore.settled).
 *
 * Bounded: at most `messagesPerConversation` newest messages per conversation,
 * `messages` in all and `conversations` summaries; over a cap the least recently used
 * conversations lose their messages first, then their summary. Queued files are capped
 * in bytes (a send whose files do not fit is refused at once).
 */
import type { Conversation, ConversationId, Message, UserId } from '@parley/protocol';
import type { CacheStore, CachedConversation, QueuedFile } from './cache-store';

export interface CacheLimits {
  messagesPerConversation: number;
  messages: number;
  conversations: number;
  /** Bytes of files queued offline, all sends together. */
  fileBytes: number;
}

export const DEFAULT_CACHE_LIMITS: CacheLimits = {
  messagesPerConversation: 200,
  messages: 5000,
  conversations: 500,
  fileBytes: 100 * 1024 * 1024,
};

/** One conversation as the app hands it over: its summary, and its loaded messages if any. */
export interface SavedView {
  conversation: Conversation;
  /** Loaded messages, ascending by seq and contiguous up to the newest (omit when none are loaded). */
  messages?: readonly Message[];
  hasOlder?: boolean;
  /** The app's own derived data (e.g. timeline notices), kept as is. */
  extra?: unknown;
}

export interface CacheCursors {
  conversations: { id: ConversationId; seq: number; receiptsVersion: number }[];
  userSeq: number;
}

export interface OfflineCacheDeps {
  store: CacheStore;
  limits?: Partial<CacheLimits>;
  /** The catch-up cursor of a conversation now (0s when not held). */
  cursor(id: ConversationId): { seq: number; receiptsVersion: number };
  userSeq(): number;
  now?: () => number;
}

interface Written {
  /** What the app passed (compared by reference: the app's state is immutable). */
  source: SavedView;
  record: CachedConversation;
}

interface Loaded {
  /** Most recently used first. */
  rows: CachedConversation[];
  userSeq: number;
}

interface SaveJob {
  views: readonly SavedView[];
  userSeq: number;
  cursors: Map<string, { seq: number; receiptsVersion: number }>;
}

const EMPTY: Loaded = { rows: [], userSeq: 0 };

export class OfflineCache {
  private readonly limits: CacheLimits;
  private readonly now: () => number;
  private userId: UserId | null = null;
  private loaded: Promise<Loaded> | null = null;
  /** What the store holds now, per conversation, with the app's view it came from. */
  private written = new Map<string, Written>();
  private writtenUserSeq = 0;
  private writing: Promise<void> = Promise.resolve();
  private pending: SaveJob | null = null;

  constructor(private readonly deps: OfflineCacheDeps) {
    this.limits = { ...DEFAULT_CACHE_LIMITS, ...deps.limits };
    this.now = deps.now ?? Date.now;
  }

  /** The user the cache is bound to. */
  get user(): UserId | null {
    return this.userId;
  }

  /** Binds the cache to a user (login, restored session); a different user starts from that user's own data. */
  useUser(userId: UserId | null): void {
    if (userId === this.userId) return;
    this.userId = userId;
    this.loaded = null;
    this.written = new Map();
    this.writtenUserSeq = 0;
    this.pending = null;
  }

  /** Every cached conversation of this user, most recently used first (empty when logged out or nothing is cached). */
  async snapshot(): Promise<CachedConversation[]> {
    return [...(await this.load()).rows];
  }

  /** The cached conversation summaries, most recently used first. */
  async conversations(): Promise<Conversation[]> {
    return (await this.load()).rows.map((c) => c.conversation);
  }

  /** The newest cached messages of a conversation, ascending (empty when none). */
  async recentMessages(conversationId: ConversationId): Promise<Message[]> {
    return (await this.load()).rows.find((c) => c.id === conversationId)?.messages ?? [];
  }

  /** The saved cursors: where catch-up resumes (read by the client before its first sync). */
  async cursors(): Promise<CacheCursors> {
    const { rows, userSeq } = await this.load();
    return { conversations: rows.filter((r) => r.seq > 0).map((r) => ({ id: r.id, seq: r.seq, receiptsVersion: r.receiptsVersion })), userSeq };
  }

  /**
   * Saves what the app shows: the whole list of conversations (those left out are
   * dropped from the cache), each with the cursors read now. Only what changed since the
   * last save is written. Saves run one at a time; one asked for while another runs
   * replaces any other still waiting (the newest state wins). Never rejects: a failing
   * store (quota, a broken database) leaves the older copy, and the app works from memory.
   */
  save(views: readonly SavedView[]): Promise<void> {
    const userId = this.userId;
    if (!userId) return Promise.resolve();
    const cursors = new Map<string, { seq: number; receiptsVersion: number }>();
    for (const v of views) cursors.set(v.conversation.id, this.deps.cursor(v.conversation.id));
    const queued = this.pending !== null;
    this.pending = { views, userSeq: this.deps.userSeq(), cursors };
    if (queued) return this.writing;
    this.writing = this.writing.then(async () => {
      const job = this.pending;
      this.pending = null;
      if (!job || this.userId !== userId) return;
      await this.load();
      await this.write(userId, job).catch(() => {});
    });
    return this.writing;
  }

  /** Stores a file of a queued send; false when the queued files would exceed the byte cap (or there is no user). */
  async putFile(file: QueuedFile): Promise<boolean> {
    if (!this.userId) return false;
    return this.deps.store.putFile(this.userId, file, this.limits.fileBytes);
  }

  async getFile(id: string): Promise<QueuedFile | null> {
    return this.userId ? this.deps.store.getFile(this.userId, id) : null;
  }

  async deleteFile(id: string): Promise<void> {
    if (this.userId) await this.deps.store.deleteFile(this.userId, id);
  }

  /** Removes everything of `userId` (the session ended); the cache is then bound to nobody. */
  async clear(userId: UserId): Promise<void> {
    if (this.userId === userId) this.useUser(null);
    // After any write still running, so it cannot land after the clear.
    await this.writing;
    await this.deps.store.clear(userId);
  }

  private load(): Promise<Loaded> {
    const userId = this.userId;
    if (!userId) return Promise.resolve(EMPTY);
    if (!this.loaded) {
      this.loaded = this.deps.store.load(userId).then(
        (snap) => {
          const rows = [...snap.conversations].sort((a, b) => b.usedAt - a.usedAt);
          if (this.userId === userId) {
            for (const r of rows) this.written.set(r.id, { source: { conversation: r.conversation, messages: r.messages, hasOlder: r.hasOlder, extra: r.extra }, record: r });
            this.writtenUserSeq = snap.userSeq;
          }
          return { rows, userSeq: snap.userSeq };
        },
        () => EMPTY,
      );
    }
    return this.loaded;
  }

  private async write(userId: UserId, job: SaveJob): Promise<void> {
    const now = this.now();
    const candidates = job.views.map((view) => {
      const old = this.written.get(view.conversation.id);
      const cursor = job.cursors.get(view.conversation.id) ?? { seq: 0, receiptsVersion: 0 };
      const same =
        old !== undefined &&
        old.source.conversation === view.conversation &&
        old.source.messages === view.messages &&
        (old.source.hasOlder ?? false) === (view.hasOlder ?? false) &&
        old.source.extra === view.extra &&
        old.record.seq === cursor.seq &&
        old.record.receiptsVersion === cursor.receiptsVersion;
      return { view, cursor, old: same ? old : undefined, usedAt: same ? old.record.usedAt : now };
    });
    candidates.sort((a, b) => b.usedAt - a.usedAt);
    let budget = this.limits.messages;
    const put: CachedConversation[] = [];
    const next = new Map<string, Written>();
    for (const c of candidates.slice(0, this.limits.conversations)) {
      // Messages without a cursor could not be brought up to date later: keep only the summary.
      const all = c.cursor.seq > 0 ? (c.view.messages ?? []) : [];
      const take = Math.min(all.length, this.limits.messagesPerConversation, budget);
      budget -= take;
      if (c.old && c.old.record.messages.length === take) {
        next.set(c.old.record.id, { source: c.view, record: c.old.record });
        continue;
      }
      const record: CachedConversation = {
        id: c.view.conversation.id,
        conversation: c.view.conversation,
        messages: all.slice(all.length - take),
        hasOlder: (c.view.hasOlder ?? false) || take < all.length,
        seq: c.cursor.seq,
        receiptsVersion: c.cursor.receiptsVersion,
        ...(c.view.extra !== undefined ? { extra: c.view.extra } : {}),
        usedAt: c.usedAt,
      };
      put.push(record);
      next.set(record.id, { source: c.view, record });
    }
    const del = [...this.written.keys()].filter((id) => !next.has(id)) as ConversationId[];
    if (put.length > 0 || del.length > 0 || job.userSeq !== this.writtenUserSeq) {
      await this.deps.store.write(userId, { put, delete: del, userSeq: job.userSeq });
    }
    if (this.userId !== userId) return;
    this.written = next;
    this.writtenUserSeq = job.userSeq;
    const rows = [...next.values()].map((w) => w.record);
    this.loaded = Promise.resolve({ rows, userSeq: job.userSeq });
  }
}
