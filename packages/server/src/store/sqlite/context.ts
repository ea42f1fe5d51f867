/**
 * What every part of the SQLite adapter shares: the connection, one reusable
 * transaction runner, and the event-log appenders. Statements are prepared once here
 * and reused for the life of the store.
 */
import type { Database } from 'better-sqlite3';
import type { ConversationEvent, ConversationId, UserEvent, UserId } from '@parley/protocol';
import { StoreError, type ConversationRecord, type MemberRecord, type PublicUserRecord, type Store } from '../port';
import { notFound, notMember, translateSqliteError } from './errors';
import { toConversation, toMember, toPublicUser, type ConversationRow, type MemberRow, type PublicUserRow } from './rows';

/** An event as the caller describes it; the log fills in conversationId, seq, actorId and at. */
export type NewConversationEvent = ConversationEvent extends infer E
  ? E extends ConversationEvent
    ? Omit<E, 'conversationId' | 'seq' | 'actorId' | 'at'>
    : never
  : never;

export type NewUserEvent = UserEvent extends infer E ? (E extends UserEvent ? Omit<E, 'userSeq' | 'at'> : never) : never;

export interface SqliteContext {
  db: Database;
  /**
   * Runs fn as one port call: UNAVAILABLE once the connection is closed, and driver
   * errors leave as StoreErrors (translateSqliteError). Every public method goes through it.
   */
  guard<T>(fn: () => T): Promise<T>;
  /** Runs fn in a write transaction (BEGIN IMMEDIATE, or a savepoint when nested). */
  write<T>(fn: () => T): T;
  /** Runs fn in a read transaction so multi-statement reads see one snapshot. */
  read<T>(fn: () => T): T;
  /**
   * Appends to the conversation log: seq = lastSeq + 1, updatedAt = at. Call inside
   * write(). `event` may be a function of the new seq, for changes that store it too.
   */
  appendEvent(
    conversationId: ConversationId,
    actorId: UserId,
    at: number,
    event: NewConversationEvent | ((seq: number) => NewConversationEvent),
  ): ConversationEvent;
  /** Appends to the user's own log with the next gapless userSeq. Call inside write(). */
  appendUserEvent(userId: UserId, at: number, event: NewUserEvent): UserEvent;
  getConversation(id: ConversationId): ConversationRecord | null;
  getMember(conversationId: ConversationId, userId: UserId): MemberRecord | null;
  /** NOT_FOUND for an unknown conversation, NOT_MEMBER when the user is not in it. */
  requireMembership(conversationId: ConversationId, userId: UserId): { conversation: ConversationRecord; member: MemberRecord };
  getPublicUser(id: UserId): PublicUserRecord | null;
  requirePublicUser(id: UserId): PublicUserRecord;
}

export const CONVERSATION_COLUMNS = 'c.id, c.kind, c.title, c.history_visibility, c.last_seq, c.receipts_version, c.created_at, c.updated_at';
export const MEMBER_COLUMNS = 'me.user_id, me.role, me.delivered_seq, me.read_seq, me.archived, me.joined_at, me.visible_from_seq';

export function createContext(db: Database): SqliteContext {
  const runner = db.transaction((fn: () => unknown) => fn());
  const bumpSeq = db.prepare('UPDATE conversations SET last_seq = last_seq + 1, updated_at = ? WHERE id = ? RETURNING last_seq');
  const insertEvent = db.prepare('INSERT INTO events (conversation_id, seq, type, actor_id, at, payload) VALUES (?, ?, ?, ?, ?, ?)');
  const bumpUserSeq = db.prepare('UPDATE users SET user_seq = user_seq + 1 WHERE id = ? RETURNING user_seq');
  const insertUserEvent = db.prepare('INSERT INTO user_events (user_id, user_seq, type, at, payload) VALUES (?, ?, ?, ?, ?)');
  const selectConversation = db.prepare(`SELECT ${CONVERSATION_COLUMNS} FROM conversations c WHERE c.id = ?`);
  const selectMember = db.prepare(`SELECT ${MEMBER_COLUMNS} FROM members me WHERE me.conversation_id = ? AND me.user_id = ?`);
  const selectPublicUser = db.prepare('SELECT id, username, display_name, avatar_url FROM users WHERE id = ?');

  const ctx: SqliteContext = {
    db,
    async guard(fn) {
      if (!db.open) throw new StoreError('UNAVAILABLE', 'storage closed');
      try {
        return fn();
      } catch (err) {
        throw translateSqliteError(err);
      }
    },
    write: <T>(fn: () => T) => runner.immediate(fn) as T,
    read: <T>(fn: () => T) => runner.deferred(fn) as T,
    appendEvent(conversationId, actorId, at, event) {
      const head = bumpSeq.get(at, conversationId) as { last_seq: number } | undefined;
      if (!head) throw notFound('conversation');
      const { type, ...payload } = typeof event === 'function' ? event(head.last_seq) : event;
      insertEvent.run(conversationId, head.last_seq, type, actorId, at, JSON.stringify(payload));
      return { ...payload, conversationId, seq: head.last_seq, type, actorId, at } as ConversationEvent;
    },
    appendUserEvent(userId, at, event) {
      const head = bumpUserSeq.get(userId) as { user_seq: number } | undefined;
      if (!head) throw notFound('user');
      const { type, ...payload } = event;
      insertUserEvent.run(userId, head.user_seq, type, at, JSON.stringify(payload));
      return { ...payload, userSeq: head.user_seq, type, at } as UserEvent;
    },
    getConversation(id) {
      const row = selectConversation.get(id) as ConversationRow | undefined;
      return row ? toConversation(row) : null;
    },
    getMember(conversationId, userId) {
      const row = selectMember.get(conversationId, userId) as MemberRow | undefined;
      return row ? toMember(row) : null;
    },
    requireMembership(conversationId, userId) {
      const conversation = ctx.getConversation(conversationId);
      if (!conversation) throw notFound('conversation');
      const member = ctx.getMember(conversationId, userId);
      if (!member) throw notMember();
      return { conversation, member };
    },
    getPublicUser(id) {
      const row = selectPublicUser.get(id) as PublicUserRow | undefined;
      return row ? toPublicUser(row) : null;
    },
    requirePublicUser(id) {
      const user = ctx.getPublicUser(id);
      if (!user) throw new StoreError('NOT_FOUND', 'user not found');
      return user;
    },
  };
  return ctx;
}

type Sync<F> = F extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : never;
/** The port's methods as synchronous functions; the store wraps them into promises. */
export type SyncStore = { [K in Exclude<keyof Store, 'backend' | 'writesInOrder' | 'ping' | 'close' | 'attachments' | 'search' | 'privacy' | 'maintenance' | 'moderation' | 'notifications'>]: Sync<Store[K]> };
