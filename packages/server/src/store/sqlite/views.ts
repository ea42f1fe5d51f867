/**
 * Conversation views: a conversation as one member sees it (members, own state, last
 * visible message, unread count). Unread counting walks the (conversation_id, seq)
 * index from the member's read mark, never the whole conversation. Neither looks before
 * where the member's reading starts (visibleFromSeq).
 */
import type { ConversationId, UserId } from '@parley/protocol';
import type { ConversationRecord, ConversationView, MemberRecord } from '../port';
import { CONVERSATION_COLUMNS, MEMBER_COLUMNS, type SqliteContext, type SyncStore } from './context';
import { MESSAGE_COLUMNS, toConversation, toMember, toMessage, toPublicUser, type ConversationRow, type MemberRow, type MessageRow } from './rows';

type ViewMethods = Pick<SyncStore, 'getConversationView' | 'listConversationViews'>;

interface ViewMemberRow extends MemberRow {
  username: string;
  display_name: string;
  avatar_url: string | null;
  read_receipts: number;
}

const NOT_HIDDEN = 'NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = @viewer AND h.message_id = m.id)';

export function viewMethods(ctx: SqliteContext): ViewMethods {
  const { db } = ctx;
  const membersWithUsers = db.prepare(
    `SELECT ${MEMBER_COLUMNS}, u.username, u.display_name, u.avatar_url, u.privacy_read_receipts AS read_receipts
     FROM members me JOIN users u ON u.id = me.user_id WHERE me.conversation_id = ? ORDER BY me.joined_at, me.rowid`,
  );
  const lastVisible = db.prepare(
    `SELECT ${MESSAGE_COLUMNS} FROM messages m
     WHERE m.conversation_id = @conversationId AND m.seq >= @from AND m.deleted_at IS NULL AND ${NOT_HIDDEN}
     ORDER BY m.seq DESC LIMIT 1`,
  );
  const unread = db.prepare(
    `SELECT count(*) AS n FROM messages m
     WHERE m.conversation_id = @conversationId AND m.seq > @readSeq AND m.seq >= @from AND m.sender_id <> @viewer AND m.deleted_at IS NULL AND ${NOT_HIDDEN}`,
  );
  const listSql = (cursor: string) => `SELECT ${CONVERSATION_COLUMNS}, ${MEMBER_COLUMNS}
     FROM members me JOIN conversations c ON c.id = me.conversation_id
     WHERE me.user_id = @viewer AND me.archived = @archived ${cursor}
     ORDER BY c.updated_at DESC, c.id DESC LIMIT @limit`;
  const list = db.prepare(listSql(''));
  const listAfterCursor = db.prepare(listSql('AND (c.updated_at < @at OR (c.updated_at = @at AND c.id < @id))'));

  const buildView = (conversation: ConversationRecord, me: MemberRecord, viewer: UserId): ConversationView => {
    const members = (membersWithUsers.all(conversation.id) as ViewMemberRow[]).map((r) => ({
      ...toMember(r),
      user: toPublicUser({ id: r.user_id, username: r.username, display_name: r.display_name, avatar_url: r.avatar_url }),
      readReceipts: r.read_receipts === 1,
    }));
    const last = lastVisible.get({ conversationId: conversation.id, viewer, from: me.visibleFromSeq }) as MessageRow | undefined;
    const { n } = unread.get({ conversationId: conversation.id, viewer, readSeq: me.readSeq, from: me.visibleFromSeq }) as { n: number };
    return { ...conversation, members, me, lastMessage: last ? toMessage(last) : null, unreadCount: n };
  };

  return {
    getConversationView(conversationId: ConversationId, userId: UserId) {
      return ctx.read(() => {
        const me = ctx.getMember(conversationId, userId);
        if (!me) return null;
        const conversation = ctx.getConversation(conversationId);
        return conversation ? buildView(conversation, me, userId) : null;
      });
    },
    listConversationViews(userId, { archived, limit, cursor }) {
      return ctx.read(() => {
        const params: Record<string, unknown> = { viewer: userId, archived: archived ? 1 : 0, limit: Math.max(0, limit) };
        if (cursor) Object.assign(params, { at: cursor.at, id: cursor.id });
        const rows = (cursor ? listAfterCursor : list).all(params) as (ConversationRow & MemberRow)[];
        return rows.map((r) => buildView(toConversation(r), toMember(r), userId));
      });
    },
  };
}
