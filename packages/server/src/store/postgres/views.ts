/**
 * Read models: a member's view of conversations (with last message and unread count)
 * and the received/sent mailboxes. All lists are keyset-paged; the per-conversation
 * parts (last message, unread count) are computed only for the page, each through the
 * (conversation_id, seq) primary key of the message partitions, never before where the
 * member's reading starts (visible_from_seq, history-visibility.ts).
 */
import type { ConversationId, UserId } from '@parley/protocol';
import type postgres from 'postgres';
import type { ConversationView, MailboxItem, TimeCursor } from '../port';
import type { Sql } from './db';
import { MESSAGE_COLUMNS } from './messages';
import {
  toConversation,
  toMember,
  toMessage,
  toPublicUser,
  type ConversationRow,
  type MemberRow,
  type MessageRow,
  type PublicUserRow,
} from './rows';

type PageRow = ConversationRow & {
  me_user_id: string;
  me_role: MemberRow['role'];
  me_delivered_seq: number;
  me_read_seq: number;
  me_archived: boolean;
  me_joined_at: number;
  me_visible_from_seq: number;
  unread_count: number;
  lm_id: string | null;
} & { [K in keyof MessageRow as `lm_${K}`]: MessageRow[K] | null };

type MemberUserRow = MemberRow & PublicUserRow & { conversation_id: string; read_receipts: boolean };

const LAST_MESSAGE_COLUMNS = MESSAGE_COLUMNS.split(', ')
  .map((c) => `lm.${c.slice(2)} AS lm_${c.slice(2)}`)
  .join(', ');

export function viewQueries(sql: Sql) {
  /** Adds members, last message and unread count to a page of (conversation, me) rows. */
  async function views(viewerId: UserId, pageSql: postgres.Fragment): Promise<ConversationView[]> {
    const rows = await sql<PageRow[]>`
      SELECT p.*, ${sql.unsafe(LAST_MESSAGE_COLUMNS)}, unread.n AS unread_count
      FROM (${pageSql}) p
      LEFT JOIN LATERAL (
        SELECT ${sql.unsafe(MESSAGE_COLUMNS)} FROM messages m
        WHERE m.conversation_id = p.id AND m.seq >= p.me_visible_from_seq AND m.deleted_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.conversation_id = m.conversation_id AND h.message_id = m.id AND h.user_id = ${viewerId})
        ORDER BY m.seq DESC LIMIT 1
      ) lm ON true
      CROSS JOIN LATERAL (
        SELECT count(*) AS n FROM messages m
        WHERE m.conversation_id = p.id AND m.seq > p.me_read_seq AND m.seq >= p.me_visible_from_seq AND m.sender_id <> ${viewerId} AND m.deleted_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.conversation_id = m.conversation_id AND h.message_id = m.id AND h.user_id = ${viewerId})
      ) unread
      ORDER BY p.updated_at DESC, p.id DESC
    `;
    if (rows.length === 0) return [];
    const memberRows = await sql<MemberUserRow[]>`
      SELECT mb.conversation_id, mb.user_id, mb.role, mb.delivered_seq, mb.read_seq, mb.archived, mb.joined_at, mb.visible_from_seq,
        u.id, u.username, u.display_name, u.avatar_url, u.read_receipts
      FROM members mb JOIN users u ON u.id = mb.user_id
      WHERE mb.conversation_id = ANY(${rows.map((r) => r.id)}::text[])
      ORDER BY mb.conversation_id, mb.join_order
    `;
    const byConversation = new Map<string, ConversationView['members']>();
    for (const r of memberRows) {
      const list = byConversation.get(r.conversation_id) ?? [];
      list.push({ ...toMember(r), user: toPublicUser(r), readReceipts: r.read_receipts });
      byConversation.set(r.conversation_id, list);
    }
    return rows.map((r) => ({
      ...toConversation(r),
      members: byConversation.get(r.id) ?? [],
      me: toMember({
        user_id: r.me_user_id,
        role: r.me_role,
        delivered_seq: r.me_delivered_seq,
        read_seq: r.me_read_seq,
        archived: r.me_archived,
        joined_at: r.me_joined_at,
        visible_from_seq: r.me_visible_from_seq,
      }),
      lastMessage:
        r.lm_id === null
          ? null
          : toMessage({
              id: r.lm_id,
              conversation_id: r.lm_conversation_id!,
              seq: r.lm_seq!,
              sender_id: r.lm_sender_id!,
              client_message_id: r.lm_client_message_id!,
              kind: r.lm_kind!,
              content: r.lm_content,
              reply_to: r.lm_reply_to,
              thread_root_id: r.lm_thread_root_id,
              target_id: r.lm_target_id,
              created_at: r.lm_created_at!,
              edited_at: r.lm_edited_at,
              deleted_at: r.lm_deleted_at,
              attachments: r.lm_attachments,
            }),
      unreadCount: r.unread_count,
    }));
  }

  const PAGE_COLUMNS = sql.unsafe(`c.id, c.kind, c.title, c.history_visibility, c.last_seq, c.receipts_version, c.created_at, c.updated_at,
    mb.user_id AS me_user_id, mb.role AS me_role, mb.delivered_seq AS me_delivered_seq, mb.read_seq AS me_read_seq,
    mb.archived AS me_archived, mb.joined_at AS me_joined_at, mb.visible_from_seq AS me_visible_from_seq`);

  return {
    async getConversationView(conversationId: ConversationId, userId: UserId): Promise<ConversationView | null> {
      const [view] = await views(
        userId,
        sql`
          SELECT ${PAGE_COLUMNS} FROM members mb JOIN conversations c ON c.id = mb.conversation_id
          WHERE mb.conversation_id = ${conversationId} AND mb.user_id = ${userId}
        `,
      );
      return view ?? null;
    },

    async listConversationViews(userId: UserId, opts: { archived: boolean; limit: number; cursor?: TimeCursor }): Promise<ConversationView[]> {
      const after = opts.cursor ? sql`AND (c.updated_at, c.id) < (${opts.cursor.at}, ${opts.cursor.id})` : sql``;
      // Walks the user's memberships (members_user_idx); a user's conversation count is
      // bounded, and only the page gets members, last message and unread count.
      return views(
        userId,
        sql`
          SELECT ${PAGE_COLUMNS} FROM members mb JOIN conversations c ON c.id = mb.conversation_id
          WHERE mb.user_id = ${userId} AND mb.archived = ${opts.archived} ${after}
          ORDER BY c.updated_at DESC, c.id DESC
          LIMIT ${opts.limit}
        `,
      );
    },

    async mailbox(input: { userId: UserId; box: 'received' | 'sent'; limit: number; cursor?: TimeCursor }): Promise<MailboxItem[]> {
      const u = input.userId;
      const after = input.cursor ? sql`AND (m.created_at, m.id) < (${input.cursor.at}, ${input.cursor.id})` : sql``;
      const visible = sql`
        m.deleted_at IS NULL ${after}
        AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.conversation_id = m.conversation_id AND h.message_id = m.id AND h.user_id = ${u})
      `;
      // Received: newest `limit` of each of my conversations, then merged, so the work is
      // bounded by memberships x limit instead of every message I ever received. Both
      // boxes start each conversation where my membership's reading does.
      const source =
        input.box === 'received'
          ? sql`
              SELECT x.* FROM members mb
              CROSS JOIN LATERAL (
                SELECT ${sql.unsafe(MESSAGE_COLUMNS)} FROM messages m
                WHERE m.conversation_id = mb.conversation_id AND m.sender_id <> ${u} AND m.seq >= mb.visible_from_seq AND ${visible}
                ORDER BY m.created_at DESC, m.id DESC LIMIT ${input.limit}
              ) x
              WHERE mb.user_id = ${u}
            `
          : sql`
              SELECT ${sql.unsafe(MESSAGE_COLUMNS)} FROM messages m
              JOIN members mb ON mb.conversation_id = m.conversation_id AND mb.user_id = ${u}
              WHERE m.sender_id = ${u} AND m.seq >= mb.visible_from_seq AND ${visible}
              ORDER BY m.created_at DESC, m.id DESC LIMIT ${input.limit}
            `;
      const rows = await sql<(MessageRow & { s_id: string; s_username: string; s_display_name: string; s_avatar_url: string | null; conversation_title: string | null })[]>`
        SELECT t.*, s.id AS s_id, s.username AS s_username, s.display_name AS s_display_name, s.avatar_url AS s_avatar_url,
          CASE WHEN c.kind = 'group' THEN c.title END AS conversation_title
        FROM (${source}) t
        JOIN users s ON s.id = t.sender_id
        JOIN conversations c ON c.id = t.conversation_id
        ORDER BY t.created_at DESC, t.id DESC
        LIMIT ${input.limit}
      `;
      return rows.map((r) => ({
        ...toMessage(r),
        sender: toPublicUser({ id: r.s_id, username: r.s_username, display_name: r.s_display_name, avatar_url: r.s_avatar_url }),
        conversationTitle: r.conversation_title,
      }));
    },
  };
}
