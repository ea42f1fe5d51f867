/** Watermarks (delivered/read), archive state and the per-user event log. */
import type { ConversationId, Receipt, UserEvent, UserId } from '@parley/protocol';
import { StoreError, type WatermarkInput, type WatermarkResult } from '../port';
import type { Sql, Tx } from './db';
import { notMemberError } from './event-log';
import { appendUserEvent } from './messages';
import { toUserEvent, type UserEventRow } from './rows';
import { advanceMarks, sharedReadSeq } from '../../domain/rules/watermarks';

type WatermarkOutcome = { receipt: Receipt; changed: boolean };

export function receiptQueries(sql: Sql) {
  const advanceIn = async (tx: Tx, input: WatermarkInput): Promise<WatermarkOutcome> => {
    const [cur] = await tx<{ delivered_seq: number; read_seq: number; last_seq: number; receipts_version: number; read_receipts: boolean }[]>`
      SELECT mb.delivered_seq, mb.read_seq, c.last_seq, c.receipts_version, u.read_receipts
      FROM members mb
      JOIN conversations c ON c.id = mb.conversation_id
      JOIN users u ON u.id = mb.user_id
      WHERE mb.conversation_id = ${input.conversationId} AND mb.user_id = ${input.userId}
    `;
    if (!cur) throw await notMemberError(tx, input.conversationId);
    const { deliveredSeq: delivered, readSeq: read, changed } = advanceMarks({ deliveredSeq: cur.delivered_seq, readSeq: cur.read_seq }, cur.last_seq, input.kind, input.seq);
    const receipt = (deliveredSeq: number, readSeq: number, receiptsVersion: number): Receipt => ({
      conversationId: input.conversationId,
      userId: input.userId,
      deliveredSeq,
      readSeq: sharedReadSeq(readSeq, cur.read_receipts),
      receiptsVersion,
    });
    if (!changed) {
      return { receipt: receipt(cur.delivered_seq, cur.read_seq, cur.receipts_version), changed: false };
    }
    // Lock order everywhere is conversation row, then member row (as membership
    // changes do), so the version bump comes first. GREATEST keeps the marks
    // monotonic if another advance landed since the read above.
    const [conv] = await tx<{ receipts_version: number }[]>`
      UPDATE conversations SET receipts_version = receipts_version + 1
      WHERE id = ${input.conversationId} RETURNING receipts_version
    `;
    const [mb] = await tx<{ delivered_seq: number; read_seq: number }[]>`
      UPDATE members SET delivered_seq = GREATEST(delivered_seq, ${delivered}), read_seq = GREATEST(read_seq, ${read})
      WHERE conversation_id = ${input.conversationId} AND user_id = ${input.userId}
      RETURNING delivered_seq, read_seq
    `;
    if (!conv || !mb) throw new StoreError('NOT_MEMBER', 'not a member');
    return { receipt: receipt(mb.delivered_seq, mb.read_seq, conv.receipts_version), changed: true };
  };

  return {
    async advanceWatermark(input: WatermarkInput) {
      return (await sql.begin((tx) => advanceIn(tx, input))) as WatermarkOutcome;
    },

    async advanceWatermarks(inputs: readonly WatermarkInput[]): Promise<WatermarkResult[]> {
      // Conversation rows are locked in id order, as appendMessages does, so concurrent
      // batches on several nodes cannot deadlock.
      const order = inputs.map((_, i) => i).sort((a, b) => (inputs[a]!.conversationId < inputs[b]!.conversationId ? -1 : inputs[a]!.conversationId > inputs[b]!.conversationId ? 1 : a - b));
      return (await sql.begin(async (tx) => {
        const results: WatermarkResult[] = new Array(inputs.length);
        for (const i of order) {
          try {
            results[i] = { ok: true, ...(await advanceIn(tx, inputs[i]!)) };
          } catch (err) {
            if (err instanceof StoreError && (err.code === 'NOT_MEMBER' || err.code === 'NOT_FOUND')) results[i] = { ok: false, code: err.code };
            else throw err;
          }
        }
        return results;
      })) as WatermarkResult[];
    },

    async receipts(conversationId: ConversationId): Promise<{ receipts: Receipt[]; receiptsVersion: number }> {
      const [conv] = await sql<{ receipts_version: number }[]>`SELECT receipts_version FROM conversations WHERE id = ${conversationId}`;
      if (!conv) throw new StoreError('NOT_FOUND', 'conversation not found');
      const rows = await sql<{ user_id: string; delivered_seq: number; read_seq: number; read_receipts: boolean }[]>`
        SELECT mb.user_id, mb.delivered_seq, mb.read_seq, u.read_receipts
        FROM members mb JOIN users u ON u.id = mb.user_id
        WHERE mb.conversation_id = ${conversationId}
        ORDER BY mb.join_order
      `;
      return {
        receiptsVersion: conv.receipts_version,
        receipts: rows.map((r) => ({
          conversationId,
          userId: r.user_id as UserId,
          deliveredSeq: r.delivered_seq,
          readSeq: sharedReadSeq(r.read_seq, r.read_receipts),
          receiptsVersion: conv.receipts_version,
        })),
      };
    },

    async setArchived(input: { conversationId: ConversationId; userId: UserId; archived: boolean; at: number }) {
      return (await sql.begin(async (tx) => {
        const [mb] = await tx<{ archived: boolean }[]>`
          SELECT archived FROM members WHERE conversation_id = ${input.conversationId} AND user_id = ${input.userId} FOR NO KEY UPDATE
        `;
        if (!mb) throw await notMemberError(tx, input.conversationId);
        if (mb.archived === input.archived) return null;
        await tx`UPDATE members SET archived = ${input.archived} WHERE conversation_id = ${input.conversationId} AND user_id = ${input.userId}`;
        return appendUserEvent(tx, input.userId, {
          type: input.archived ? 'conversation.archived' : 'conversation.unarchived',
          at: input.at,
          conversationId: input.conversationId,
        });
      })) as UserEvent | null;
    },

    async userEventsAfter(userId: UserId, after: number, limit: number) {
      const [rows, [user]] = await Promise.all([
        sql<UserEventRow[]>`
          SELECT user_seq, type, at, conversation_id, message_id FROM user_events
          WHERE user_id = ${userId} AND user_seq > ${after}
          ORDER BY user_seq LIMIT ${limit + 1}
        `,
        sql<{ user_seq: number }[]>`SELECT user_seq FROM users WHERE id = ${userId}`,
      ]);
      return {
        events: rows.slice(0, limit).map(toUserEvent),
        hasMore: rows.length > limit,
        userSeq: user?.user_seq ?? 0,
      };
    },

    async conversationHeads(userId: UserId) {
      const rows = await sql<{ id: string; last_seq: number; receipts_version: number; visible_from_seq: number }[]>`
        SELECT c.id, c.last_seq, c.receipts_version, mb.visible_from_seq
        FROM members mb JOIN conversations c ON c.id = mb.conversation_id
        WHERE mb.user_id = ${userId}
        ORDER BY c.id
      `;
      return rows.map((r) => ({ id: r.id as ConversationId, lastSeq: r.last_seq, receiptsVersion: r.receipts_version, visibleFromSeq: r.visible_from_seq }));
    },
  };
}
