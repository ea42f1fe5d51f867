/**
 * The search sub-port on SQLite: FTS5 trigram (migration 0004) for terms of three or
 * more characters; a bounded walk of the user's newest messages otherwise.
 *
 * Indexed path: FTS5 yields matching docs newest first (doc DESC is its native rowid
 * order) and each is checked for membership, visibility and the short terms, stopping
 * when the page is full. The cursor is the last doc returned.
 * Short path: the newest SEARCH_SCAN_MAX messages across the user's conversations (a
 * backward walk of each conversation's time index, merged), filtered here with the same
 * case folding as highlighting. The cursor is (createdAt, id) of the last row examined.
 */
import type { ConversationId, UserId } from '@parley/protocol';
import type { SearchCursor, SearchHitRecord, SearchStore } from '../search-port';
import { SEARCH_MIN_INDEXED_TERM, SEARCH_SCAN_MAX, likePattern, scanForTerms, termLength } from '../search-port';
import type { SqliteContext } from './context';
import { MESSAGE_COLUMNS, toMessage, type MessageRow } from './rows';

interface HitRow extends MessageRow {
  conversation_kind: 'direct' | 'group';
  conversation_title: string | null;
  peer_id: string | null;
  cursor_key: number;
}

const NOT_HIDDEN = 'NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = @viewer AND h.message_id = m.id)';
const HIT_COLUMNS = `${MESSAGE_COLUMNS}, c.kind AS conversation_kind, c.title AS conversation_title,
  CASE WHEN c.kind = 'direct' THEN (SELECT o.user_id FROM members o WHERE o.conversation_id = c.id AND o.user_id <> @viewer LIMIT 1) END AS peer_id`;
const SEARCH_TEXT = `m.search_text || char(10) ||
  coalesce((SELECT group_concat(json_extract(a.value, '$.name'), char(10)) FROM json_each(m.attachments) a), '')`;

/** An FTS5 query: each term a quoted phrase (substring under trigram), all required. */
function ftsQuery(terms: readonly string[]): string {
  return terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(' AND ');
}

function toHit(r: HitRow): SearchHitRecord {
  return {
    message: toMessage(r),
    conversation: { id: r.conversation_id as ConversationId, kind: r.conversation_kind, title: r.conversation_title },
    peerId: (r.peer_id as UserId | null) ?? null,
  };
}

export function createSqliteSearch(ctx: SqliteContext): SearchStore {
  const { db } = ctx;
  const indexedCache = new Map<number, ReturnType<typeof db.prepare>>();
  // One statement per count of short terms (at most SEARCH_LIMITS.termsMax), prepared once.
  const indexed = (shortTerms: number) => {
    let stmt = indexedCache.get(shortTerms);
    if (!stmt) {
      const likes = Array.from({ length: shortTerms }, (_, i) => `AND ${SEARCH_TEXT} LIKE @like${i} ESCAPE '\\'`).join(' ');
      stmt = db.prepare(`SELECT ${HIT_COLUMNS}, s.rowid AS cursor_key
        FROM message_search s
        JOIN message_search_docs d ON d.doc = s.rowid
        JOIN messages m ON m.id = d.message_id
        JOIN members me ON me.conversation_id = m.conversation_id AND me.user_id = @viewer
        JOIN conversations c ON c.id = m.conversation_id
        WHERE message_search MATCH @match AND s.rowid < @before
          AND m.seq >= me.visible_from_seq AND m.deleted_at IS NULL AND ${NOT_HIDDEN} ${likes}
        ORDER BY s.rowid DESC LIMIT @limit`);
      indexedCache.set(shortTerms, stmt);
    }
    return stmt;
  };
  // The newest SEARCH_SCAN_MAX of my messages, visible or not (the walk is what is bounded).
  const newestOfMine = db.prepare(`SELECT ${HIT_COLUMNS}, m.created_at AS cursor_key,
      (m.seq >= me.visible_from_seq AND m.deleted_at IS NULL AND ${NOT_HIDDEN}) AS visible
    FROM members me
    JOIN messages m ON m.rowid IN (
      SELECT r.rowid FROM messages r
      WHERE r.conversation_id = me.conversation_id AND (r.created_at < @at OR (r.created_at = @at AND r.id < @id))
      ORDER BY r.created_at DESC, r.id DESC LIMIT @scan)
    JOIN conversations c ON c.id = m.conversation_id
    WHERE me.user_id = @viewer
    ORDER BY m.created_at DESC, m.id DESC LIMIT @scan`);

  const search = ({ userId, terms, limit, cursor }: Parameters<SearchStore['searchMessages']>[0]): { hits: SearchHitRecord[]; next: SearchCursor | null } => {
    const long = terms.filter((t) => termLength(t) >= SEARCH_MIN_INDEXED_TERM);
    const short = terms.filter((t) => termLength(t) < SEARCH_MIN_INDEXED_TERM);
    if (long.length > 0) {
      const params: Record<string, unknown> = { viewer: userId, match: ftsQuery(long), before: cursor?.key ?? Number.MAX_SAFE_INTEGER, limit: limit + 1 };
      short.forEach((t, i) => (params[`like${i}`] = likePattern(t)));
      const rows = indexed(short.length).all(params) as HitRow[];
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { hits: page.map(toHit), next: rows.length > limit && last ? { key: last.cursor_key, id: last.id } : null };
    }
    return ctx.read(() => {
      const rows = newestOfMine.all({ viewer: userId, at: cursor?.key ?? Number.MAX_SAFE_INTEGER, id: cursor?.id ?? '', scan: SEARCH_SCAN_MAX }) as (HitRow & { visible: number })[];
      return scanForTerms(rows, toHit, terms, limit);
    });
  };

  return {
    searchMessages: (input) => ctx.guard(() => search(input)),
  };
}
