/**
 * The search sub-port on PostgreSQL: ILIKE over message_search_text(...) (migration 8),
 * which the pg_trgm GIN index of every monthly partition serves for terms of three or
 * more characters. Shorter terms alone cannot use it, so they walk the user's newest
 * messages instead (each conversation's time index, merged), bounded by SEARCH_SCAN_MAX.
 * Keyset order everywhere: (created_at, id) descending.
 */
import type { ConversationId, UserId } from '@parley/protocol';
import type { SearchHitRecord, SearchStore } from '../search-port';
import { SEARCH_MIN_INDEXED_TERM, SEARCH_SCAN_MAX, likePattern, scanForTerms, termLength } from '../search-port';
import type { Sql } from './db';
import { guarded } from './errors';
import { MESSAGE_COLUMNS } from './messages';
import { toMessage, type MessageRow } from './rows';

interface HitRow extends MessageRow {
  conversation_kind: 'direct' | 'group';
  conversation_title: string | null;
  peer_id: string | null;
  visible?: boolean;
}

function toHit(r: HitRow): SearchHitRecord {
  return {
    message: toMessage(r),
    conversation: { id: r.conversation_id as ConversationId, kind: r.conversation_kind, title: r.conversation_title },
    peerId: (r.peer_id as UserId | null) ?? null,
  };
}

export function createPostgresSearch(sql: Sql): SearchStore {
  const hitColumns = (viewer: UserId) => sql`${sql.unsafe(MESSAGE_COLUMNS)}, c.kind AS conversation_kind, c.title AS conversation_title,
    CASE WHEN c.kind = 'direct' THEN (SELECT o.user_id FROM members o WHERE o.conversation_id = c.id AND o.user_id <> ${viewer} LIMIT 1) END AS peer_id`;

  return {
    searchMessages: ({ userId, terms, limit, cursor }) =>
      guarded(async () => {
        const at = cursor?.key ?? Number.MAX_SAFE_INTEGER;
        const id = cursor?.id ?? '';
        if (terms.some((t) => termLength(t) >= SEARCH_MIN_INDEXED_TERM)) {
          // One ILIKE per term (an ILIKE ALL(array) could not use the GIN index).
          const matches = terms.reduce(
            (acc, t) => sql`${acc} AND message_search_text(m.search_text, m.attachments) ILIKE ${likePattern(t)}`,
            sql``,
          );
          const rows = await sql<HitRow[]>`
            SELECT ${hitColumns(userId)}
            FROM messages m
            JOIN members me ON me.conversation_id = m.conversation_id AND me.user_id = ${userId}
            JOIN conversations c ON c.id = m.conversation_id
            WHERE m.deleted_at IS NULL AND m.seq >= me.visible_from_seq
              AND (m.created_at, m.id) < (${at}, ${id})
              ${matches}
              AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.conversation_id = m.conversation_id AND h.message_id = m.id AND h.user_id = ${userId})
            ORDER BY m.created_at DESC, m.id DESC
            LIMIT ${limit + 1}
          `;
          const page = rows.slice(0, limit);
          const last = page[page.length - 1];
          return { hits: page.map(toHit), next: rows.length > limit && last ? { key: last.created_at, id: last.id } : null };
        }
        const rows = await sql<HitRow[]>`
          SELECT ${hitColumns(userId)},
            (m.deleted_at IS NULL AND m.seq >= me.visible_from_seq AND NOT EXISTS (
              SELECT 1 FROM hidden_messages h WHERE h.conversation_id = m.conversation_id AND h.message_id = m.id AND h.user_id = ${userId}
            )) AS visible
          FROM members me
          CROSS JOIN LATERAL (
            SELECT ${sql.unsafe(MESSAGE_COLUMNS)} FROM messages m
            WHERE m.conversation_id = me.conversation_id AND (m.created_at, m.id) < (${at}, ${id})
            ORDER BY m.created_at DESC, m.id DESC LIMIT ${SEARCH_SCAN_MAX}
          ) m
          JOIN conversations c ON c.id = m.conversation_id
          WHERE me.user_id = ${userId}
          ORDER BY m.created_at DESC, m.id DESC
          LIMIT ${SEARCH_SCAN_MAX}
        `;
        return scanForTerms(rows, toHit, terms, limit);
      }),
  };
}
