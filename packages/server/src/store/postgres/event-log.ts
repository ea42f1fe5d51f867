/**
 * The per-conversation event log inside a write transaction. Callers lock the
 * conversation row first (lockConversation), so lastSeq read under the lock is the
 * truth and the seqs assigned here are gapless.
 */
import type { ConversationEvent, ConversationId, UserId } from '@parley/protocol';
import { StoreError } from '../port';
import type { Db, Tx } from './db';
import type { ConversationRow, MemberRow } from './rows';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event before it gets its conversation and seq. */
export type EventDraft = DistributiveOmit<ConversationEvent, 'conversationId' | 'seq'>;

export const CONVERSATION_COLUMNS = 'id, kind, title, history_visibility, last_seq, receipts_version, created_at, updated_at';
export const MEMBER_COLUMNS = 'user_id, role, delivered_seq, read_seq, archived, joined_at, visible_from_seq';

/** Locks the conversation row for the rest of the transaction; NOT_FOUND if it does not exist. */
export async function lockConversation(tx: Tx, id: ConversationId): Promise<ConversationRow> {
  const [row] = await tx<ConversationRow[]>`
    SELECT ${tx.unsafe(CONVERSATION_COLUMNS)} FROM conversations WHERE id = ${id} FOR NO KEY UPDATE
  `;
  if (!row) throw new StoreError('NOT_FOUND', 'conversation not found');
  return row;
}

export async function findMember(db: Db, conversationId: ConversationId, userId: UserId): Promise<MemberRow | null> {
  const [row] = await db<MemberRow[]>`
    SELECT ${db.unsafe(MEMBER_COLUMNS)} FROM members WHERE conversation_id = ${conversationId} AND user_id = ${userId}
  `;
  return row ?? null;
}

/**
 * The error for a user who is not a member: NOT_FOUND when the conversation does not
 * exist at all, NOT_MEMBER when it does (checked only on this failure path).
 */
export async function notMemberError(db: Db, conversationId: ConversationId): Promise<StoreError> {
  const [row] = await db`SELECT 1 FROM conversations WHERE id = ${conversationId}`;
  return row ? new StoreError('NOT_MEMBER', 'not a member') : new StoreError('NOT_FOUND', 'conversation not found');
}

export async function requireMember(db: Db, conversationId: ConversationId, userId: UserId): Promise<MemberRow> {
  const m = await findMember(db, conversationId, userId);
  if (!m) throw await notMemberError(db, conversationId);
  return m;
}

function messageIdOf(e: ConversationEvent): string | null {
  switch (e.type) {
    case 'message.created':
      return e.message.id;
    case 'message.edited':
    case 'message.deleted':
      return e.messageId;
    default:
      return null;
  }
}

/**
 * Appends drafts after conv.last_seq (mutating conv to the new head), stores them and
 * moves the conversation's lastSeq and updatedAt. Two statements whatever the count.
 */
export async function appendEvents(tx: Tx, conv: ConversationRow, drafts: readonly EventDraft[]): Promise<ConversationEvent[]> {
  if (drafts.length === 0) return [];
  const conversationId = conv.id as ConversationId;
  const events = drafts.map(
    (d, i) => ({ ...d, conversationId, seq: conv.last_seq + 1 + i }) as ConversationEvent,
  );
  await insertEvents(tx, events);
  const last = events[events.length - 1]!;
  await tx`UPDATE conversations SET last_seq = ${last.seq}, updated_at = ${last.at} WHERE id = ${conversationId}`;
  conv.last_seq = last.seq;
  conv.updated_at = last.at;
  return events;
}

/** Inserts already-numbered events of any conversations in one statement. */
export async function insertEvents(tx: Tx, events: readonly ConversationEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx`
    INSERT INTO events (conversation_id, seq, type, actor_id, at, message_id, payload)
    SELECT c, s, t, a, w, m, p::jsonb
    FROM unnest(
      ${events.map((e) => e.conversationId)}::text[],
      ${events.map((e) => e.seq)}::bigint[],
      ${events.map((e) => e.type)}::text[],
      ${events.map((e) => e.actorId)}::text[],
      ${events.map((e) => e.at)}::bigint[],
      ${events.map(messageIdOf)}::text[],
      ${events.map((e) => JSON.stringify(e))}::text[]
    ) AS x(c, s, t, a, w, m, p)
  `;
}
