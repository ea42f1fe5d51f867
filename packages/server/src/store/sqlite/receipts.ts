/** Watermarks (delivered/read), archive state, the per-user event log and catch-up heads. */
import type { ConversationId, Receipt, UserId } from '@parley/protocol';
import type { SqliteContext, SyncStore } from './context';
import { StoreError, type WatermarkInput, type WatermarkResult } from '../port';
import { notFound } from './errors';
import { toUserEvent, type UserEventRow } from './rows';
import { advanceMarks, sharedReadSeq } from '../../domain/rules/watermarks';

type ReceiptMethods = Pick<SyncStore, 'advanceWatermark' | 'advanceWatermarks' | 'receipts' | 'setArchived' | 'userEventsAfter' | 'conversationHeads'>;

interface ReceiptRow {
  user_id: string;
  delivered_seq: number;
  read_seq: number;
  read_receipts: number;
}

export function receiptMethods(ctx: SqliteContext): ReceiptMethods {
  const { db } = ctx;
  const setWatermarks = db.prepare('UPDATE members SET delivered_seq = ?, read_seq = ? WHERE conversation_id = ? AND user_id = ?');
  const bumpReceiptsVersion = db.prepare('UPDATE conversations SET receipts_version = receipts_version + 1 WHERE id = ? RETURNING receipts_version');
  const readReceiptsOf = db.prepare('SELECT privacy_read_receipts AS read_receipts FROM users WHERE id = ?');
  const receiptRows = db.prepare(
    `SELECT me.user_id, me.delivered_seq, me.read_seq, u.privacy_read_receipts AS read_receipts
     FROM members me JOIN users u ON u.id = me.user_id WHERE me.conversation_id = ? ORDER BY me.joined_at, me.rowid`,
  );
  const setArchived = db.prepare('UPDATE members SET archived = ? WHERE conversation_id = ? AND user_id = ?');
  const userEvents = db.prepare('SELECT user_seq, type, at, payload FROM user_events WHERE user_id = ? AND user_seq > ? ORDER BY user_seq LIMIT ?');
  const userSeq = db.prepare('SELECT user_seq FROM users WHERE id = ?');
  const heads = db.prepare(
    'SELECT c.id, c.last_seq, c.receipts_version, me.visible_from_seq FROM members me JOIN conversations c ON c.id = me.conversation_id WHERE me.user_id = ?',
  );

  const toReceipt = (conversationId: ConversationId, r: ReceiptRow, receiptsVersion: number): Receipt => ({
    conversationId,
    userId: r.user_id as UserId,
    deliveredSeq: r.delivered_seq,
    readSeq: sharedReadSeq(r.read_seq, r.read_receipts === 1),
    receiptsVersion,
  });

  const advance = ({ conversationId, userId, kind, seq }: WatermarkInput) => {
    const { conversation, member } = ctx.requireMembership(conversationId, userId);
    const { deliveredSeq, readSeq, changed } = advanceMarks(member, conversation.lastSeq, kind, seq);
    let receiptsVersion = conversation.receiptsVersion;
    if (changed) {
      setWatermarks.run(deliveredSeq, readSeq, conversationId, userId);
      receiptsVersion = (bumpReceiptsVersion.get(conversationId) as { receipts_version: number }).receipts_version;
    }
    const { read_receipts } = readReceiptsOf.get(userId) as { read_receipts: number };
    const receipt = toReceipt(conversationId, { user_id: userId, delivered_seq: deliveredSeq, read_seq: readSeq, read_receipts }, receiptsVersion);
    return { receipt, changed };
  };

  return {
    advanceWatermark(input) {
      return ctx.write(() => advance(input));
    },
    advanceWatermarks(inputs) {
      return ctx.write(() =>
        inputs.map((input): WatermarkResult => {
          try {
            return { ok: true, ...advance(input) };
          } catch (err) {
            if (err instanceof StoreError && (err.code === 'NOT_MEMBER' || err.code === 'NOT_FOUND')) return { ok: false, code: err.code };
            throw err;
          }
        }),
      );
    },
    receipts(conversationId) {
      return ctx.read(() => {
        const conversation = ctx.getConversation(conversationId);
        if (!conversation) throw notFound('conversation');
        const rows = receiptRows.all(conversationId) as ReceiptRow[];
        return { receipts: rows.map((r) => toReceipt(conversationId, r, conversation.receiptsVersion)), receiptsVersion: conversation.receiptsVersion };
      });
    },
    setArchived({ conversationId, userId, archived, at }) {
      return ctx.write(() => {
        const { member } = ctx.requireMembership(conversationId, userId);
        if (member.archived === archived) return null;
        setArchived.run(archived ? 1 : 0, conversationId, userId);
        return ctx.appendUserEvent(userId, at, { type: archived ? 'conversation.archived' : 'conversation.unarchived', conversationId });
      });
    },
    userEventsAfter(userId, after, limit) {
      return ctx.read(() => {
        const rows = userEvents.all(userId, after, Math.max(0, limit) + 1) as UserEventRow[];
        const head = userSeq.get(userId) as { user_seq: number } | undefined;
        return { events: rows.slice(0, Math.max(0, limit)).map(toUserEvent), hasMore: rows.length > limit, userSeq: head?.user_seq ?? 0 };
      });
    },
    conversationHeads(userId) {
      return (heads.all(userId) as { id: string; last_seq: number; receipts_version: number; visible_from_seq: number }[]).map((r) => ({
        id: r.id as ConversationId,
        lastSeq: r.last_seq,
        receiptsVersion: r.receipts_version,
        visibleFromSeq: r.visible_from_seq,
      }));
    },
  };
}
