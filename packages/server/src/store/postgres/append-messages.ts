/**
 * Group commit: a batch of sends from any conversations in one transaction and two
 * round trips, whatever the batch size: BEGIN with the lock and the reads, then the
 * write with COMMIT (see `transaction` in db.ts). The conversation rows stay locked
 * from the first to the end of the second, which is what batches on other nodes wait
 * for. (A batch with attachments locks them in a round trip between the two.)
 *
 * Safe with many server processes on one database:
 * - the batch's conversation rows are locked in id order (no deadlock between two
 *   batches), and seqs are assigned from lastSeq read under that lock (gapless);
 * - membership, blocks and idempotency keys are read AFTER the lock: in statements of
 *   their own, sent in the same round trip but run once the lock statement holds its
 *   locks, each with a new snapshot. Hence a retry of the same client id on another
 *   node either waits and then sees the first insert, or is seen by it, and a block
 *   (which takes the same lock on its direct conversation, see moderation.ts) is either
 *   committed before the read or waits for this batch's commit;
 * - a remaining race (the same sender and client id sent to two different
 *   conversations at once) ends in a unique violation on message_keys; the batch is
 *   then retried and the loser finds the winner's message.
 */
import type { ConversationEvent, Message } from '@parley/protocol';
import { StoreError, type SendInput, type SendResult } from '../port';
import { transaction, type CommitWith, type Sql, type Tx } from './db';
import { isRetryableConflict, isUniqueViolation } from './errors';
import { toMessage, type MessageRow } from './rows';
import { attachRefusal, toMessageAttachment } from '../attachments-port';
import { linkAttachments, lockAttachments } from './attachments';
import { decideSend } from '../../domain/rules/send-rights';
import { relatedIds, relationsHold } from '../../domain/rules/message-relations';
import { newMessage } from '../rows-common';
import { MESSAGE_COLUMNS } from './messages';

const MAX_ATTEMPTS = 3;

const WRITE_BATCH = `
  WITH msg AS (
    INSERT INTO messages (conversation_id, seq, id, sender_id, client_message_id, kind, content, search_text, reply_to, thread_root_id, target_id, created_at, attachments)
    SELECT c, s, i, se, k, kd, ct::jsonb, st, rt, tr, tg, w, a::jsonb
    FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $14::text[], $15::text[], $16::text[], $17::text[], $8::bigint[], $13::text[])
      AS x(c, s, i, se, k, kd, ct, st, rt, tr, tg, w, a)
  ), keys AS (
    INSERT INTO message_keys (sender_id, client_message_id, message_id, conversation_id, seq, created_at)
    SELECT * FROM unnest($4::text[], $5::text[], $3::text[], $1::text[], $2::bigint[], $8::bigint[])
  ), ev AS (
    INSERT INTO events (conversation_id, seq, type, actor_id, at, message_id, payload)
    SELECT c, s, 'message.created', a, w, m, p::jsonb
    FROM unnest($1::text[], $2::bigint[], $4::text[], $8::bigint[], $3::text[], $9::text[]) AS x(c, s, a, w, m, p)
  )
  UPDATE conversations c SET last_seq = u.seq, updated_at = u.at
  FROM unnest($10::text[], $11::bigint[], $12::bigint[]) AS u(id, seq, at)
  WHERE c.id = u.id
`;

interface Head {
  kind: 'direct' | 'group';
  lastSeq: number;
  at: number;
  changed: boolean;
}

const keyOf = (senderId: string, clientMessageId: string) => `${senderId}\u0000${clientMessageId}`;

async function appendOnce(tx: Tx, commitWith: CommitWith, inputs: readonly SendInput[]): Promise<SendResult[]> {
  const convIds = [...new Set(inputs.map((i) => i.conversationId))].sort();
  // One round trip for the lock and the reads: the driver pipelines the three
  // statements, and the server runs the reads after the lock statement has its locks,
  // each with a fresh snapshot (see the file comment).
  const [locked, memberRows, existingRows, relatedFacts] = await Promise.all([
    tx<{ id: string; kind: 'direct' | 'group'; last_seq: number; updated_at: number }[]>`
      SELECT id, kind, last_seq, updated_at FROM conversations WHERE id = ANY(${convIds}::text[]) ORDER BY id FOR NO KEY UPDATE
    `,
    // Blocks are read for direct conversations only, the only ones send-rights applies them to.
    tx<{ conversation_id: string; user_id: string; visible_from_seq: number; blocked: boolean }[]>`
      SELECT m.conversation_id, m.user_id, m.visible_from_seq, (c.kind = 'direct' AND EXISTS (
        SELECT 1 FROM members o JOIN blocks b
          ON (b.blocker_id = m.user_id AND b.blocked_id = o.user_id) OR (b.blocker_id = o.user_id AND b.blocked_id = m.user_id)
        WHERE o.conversation_id = m.conversation_id AND o.user_id <> m.user_id)) AS blocked
      FROM unnest(${inputs.map((i) => i.conversationId)}::text[], ${inputs.map((i) => i.senderId)}::text[]) AS x(c, u)
      JOIN members m ON m.conversation_id = x.c AND m.user_id = x.u
      JOIN conversations c ON c.id = m.conversation_id
    `,
    tx<MessageRow[]>`
      SELECT ${tx.unsafe(MESSAGE_COLUMNS)}
      FROM unnest(${inputs.map((i) => i.senderId)}::text[], ${inputs.map((i) => i.clientMessageId)}::text[]) AS x(s, c)
      JOIN message_keys k ON k.sender_id = x.s AND k.client_message_id = x.c
      JOIN messages m ON m.conversation_id = k.conversation_id AND m.seq = k.seq AND m.created_at = k.created_at
    `,
    relatedRows(tx, inputs),
  ]);
  const related = new Map(relatedFacts.map((r) => [r.id, { conversationId: r.conversation_id, seq: r.seq, threadRootId: r.thread_root_id }]));
  const heads = new Map<string, Head>(locked.map((r) => [r.id, { kind: r.kind, lastSeq: r.last_seq, at: r.updated_at, changed: false }]));
  const live = inputs.filter((i) => heads.has(i.conversationId));
  if (live.length === 0) return inputs.map(() => ({ ok: false, code: 'NOT_FOUND' }));
  const members = new Set(memberRows.map((r) => keyOf(r.conversation_id, r.user_id)));
  const blocked = new Set(memberRows.filter((r) => r.blocked).map((r) => keyOf(r.conversation_id, r.user_id)));
  const visibleFrom = new Map(memberRows.map((r) => [keyOf(r.conversation_id, r.user_id), r.visible_from_seq]));
  const stored = new Map<string, Message>(existingRows.map((r) => [keyOf(r.sender_id, r.client_message_id), toMessage(r)]));
  const attachmentRows = await lockAttachments(tx, live.flatMap((i) => i.attachmentIds ?? []));
  const claimed = new Set<string>();
  const links: { id: string; conversationId: string; messageId: string }[] = [];

  const fresh: { message: Message; event: ConversationEvent }[] = [];
  const searchTexts = new Map<string, string | null>();
  const results = inputs.map((input): SendResult => {
    const key = keyOf(input.senderId, input.clientMessageId);
    const member = keyOf(input.conversationId, input.senderId);
    const decision = decideSend({
      conversation: heads.get(input.conversationId) ?? null,
      isMember: members.has(member),
      original: stored.get(key) ?? null,
      blocked: () => blocked.has(member),
      relationsHold: () => relationsHold(input, visibleFrom.get(member) ?? 1, (id) => related.get(id) ?? null),
    });
    if (decision.kind === 'refuse') return { ok: false, code: decision.code };
    if (decision.kind === 'duplicate') return { ok: true, message: decision.original, duplicate: true, event: null };
    const head = decision.conversation;
    const attachmentIds = input.attachmentIds ?? [];
    if (attachRefusal(attachmentIds, attachmentRows, input.senderId, claimed)) return { ok: false, code: 'ATTACHMENT_INVALID' };
    for (const id of attachmentIds) {
      claimed.add(id);
      links.push({ id, conversationId: input.conversationId, messageId: input.messageId });
    }
    head.lastSeq += 1;
    head.at = input.at;
    head.changed = true;
    const message = newMessage(input, head.lastSeq, attachmentIds.map((id) => toMessageAttachment(attachmentRows.get(id)!)));
    searchTexts.set(message.id, input.searchText);
    const event: ConversationEvent = {
      type: 'message.created',
      conversationId: input.conversationId,
      seq: message.seq,
      actorId: input.senderId,
      at: input.at,
      message,
    };
    stored.set(key, message);
    fresh.push({ message, event });
    return { ok: true, message, duplicate: false, event };
  });
  if (fresh.length === 0) return results;

  const msgs = fresh.map((f) => f.message);
  const moved = [...heads].filter(([, h]) => h.changed);
  // Issued in this order (a driver query is sent once it is awaited or then()ed): the
  // write, the attachment links that refer to its messages, then COMMIT.
  const written = Promise.resolve(tx.unsafe(
    WRITE_BATCH,
    [
      msgs.map((m) => m.conversationId),
      msgs.map((m) => m.seq),
      msgs.map((m) => m.id),
      msgs.map((m) => m.senderId),
      msgs.map((m) => m.clientMessageId),
      msgs.map((m) => m.kind),
      msgs.map((m) => JSON.stringify(m.content)),
      msgs.map((m) => m.createdAt),
      fresh.map((f) => JSON.stringify(f.event)),
      moved.map(([id]) => id),
      moved.map(([, h]) => h.lastSeq),
      moved.map(([, h]) => h.at),
      msgs.map((m) => (m.attachments ? JSON.stringify(m.attachments) : null)),
      msgs.map((m) => searchTexts.get(m.id) ?? null),
      msgs.map((m) => m.replyTo),
      msgs.map((m) => m.threadRootId),
      msgs.map((m) => m.targetId),
    ] as never,
    { prepare: true },
  ));
  await commitWith(written, linkAttachments(tx, links));
  return results;
}

/**
 * What the relation rule reads of every message the batch's sends point at (usually
 * none: then no query). Sent with the batch's other reads, after the lock.
 */
function relatedRows(tx: Tx, inputs: readonly SendInput[]): Promise<{ id: string; conversation_id: string; seq: number; thread_root_id: string | null }[]> {
  const ids = [...new Set(inputs.flatMap((i) => relatedIds(i)))];
  if (ids.length === 0) return Promise.resolve([]);
  return tx<{ id: string; conversation_id: string; seq: number; thread_root_id: string | null }[]>`
    SELECT k.message_id AS id, k.conversation_id, k.seq, m.thread_root_id
    FROM message_keys k
    JOIN messages m ON m.conversation_id = k.conversation_id AND m.seq = k.seq AND m.created_at = k.created_at
    WHERE k.message_id = ANY(${ids}::text[])
  `;
}

export async function appendMessages(sql: Sql, inputs: readonly SendInput[]): Promise<SendResult[]> {
  if (inputs.length === 0) return [];
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction(sql, (tx, commitWith) => appendOnce(tx, commitWith, inputs));
    } catch (err) {
      const retryable = isUniqueViolation(err) || isRetryableConflict(err);
      if (!retryable || attempt >= MAX_ATTEMPTS) {
        if (isUniqueViolation(err)) throw new StoreError('CONFLICT', 'message already exists', { cause: err });
        throw err;
      }
    }
  }
}
