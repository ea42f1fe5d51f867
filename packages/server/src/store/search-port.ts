/**
 * The search sub-port: a user's own history, matched by substring.
 *
 * Guarantees every adapter gives:
 * - Only messages of conversations the user is a member of at the time of the call;
 *   never a message deleted for everyone, never one the user hid (delete for me).
 * - A message matches when every term occurs, case-insensitively, in its body, its
 *   title or one of its attachments' names. The index follows every change in the
 *   transaction that makes it: an edit's new text is found and the old text is not;
 *   a deleted message is not found.
 * - Hits come newest first; `next` resumes strictly after the last row examined, so
 *   paging never repeats or skips a hit (rows appended meanwhile are newer and not
 *   shown). When every term is shorter than SEARCH_MIN_INDEXED_TERM the adapter cannot
 *   use its index and examines at most SEARCH_SCAN_MAX of the user's newest messages
 *   per call: a page may then be short with a non-null `next`.
 */
import { searchTextOf, type ConversationId, type Message, type UserId } from '@parley/protocol';

/** Trigram indexes need three characters (code points) to narrow anything down. */
export const SEARCH_MIN_INDEXED_TERM = 3;
/** Most messages one unindexed (short-term) call examines. */
export const SEARCH_SCAN_MAX = 2000;

/** Where the previous page stopped. Its meaning belongs to the adapter (an order key and a tiebreak id). */
export interface SearchCursor {
  key: number;
  id: string;
}

export interface SearchHitRecord {
  message: Message;
  conversation: { id: ConversationId; kind: 'direct' | 'group'; title: string | null };
  /** The other member of a direct conversation, if it still has one; null for groups. */
  peerId: UserId | null;
}

export interface SearchStore {
  /** `terms` are non-empty and already trimmed; matching is case-insensitive. */
  searchMessages(input: { userId: UserId; terms: readonly string[]; limit: number; cursor?: SearchCursor }): Promise<{ hits: SearchHitRecord[]; next: SearchCursor | null }>;
}

/** Characters (code points) of a term, the unit trigram indexes count in. */
export function termLength(term: string): number {
  return [...term].length;
}

/** `%term%` for LIKE / ILIKE with '\' as the escape character. */
export function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Case folding for matching and highlighting: per code point, lower case. Returns the
 * folded string and, for each folded UTF-16 unit, the offset of the original unit it
 * came from (lower-casing can change lengths, e.g. 'İ').
 */
export function foldCase(text: string): { folded: string; origin: number[] } {
  let folded = '';
  const origin: number[] = [];
  let i = 0;
  for (const ch of text) {
    const f = ch.toLowerCase();
    for (let k = 0; k < f.length; k++) origin.push(i);
    folded += f;
    i += ch.length;
  }
  origin.push(i);
  return { folded, origin };
}

/** True when every term occurs in the text, case-insensitively (the fallback path's filter). */
export function containsAllTerms(text: string, terms: readonly string[]): boolean {
  const { folded } = foldCase(text);
  return terms.every((t) => folded.includes(foldCase(t).folded));
}

/**
 * The searchable text of a message: what the indexes cover (the kind registry's search
 * text, then attachment names), or null for a message the server may not read.
 */
export function searchableText(m: Message): string | null {
  const text = searchTextOf(m);
  return text === null ? null : [text, ...(m.attachments ?? []).map((a) => a.name)].join('\n');
}

/**
 * The short-query path shared by both adapters: walk the user's newest messages (at most
 * SEARCH_SCAN_MAX rows, newest first), keep visible ones containing every term, and stop
 * at `limit`. The cursor continues after the last row examined, so a page can come back
 * short while more remain.
 */
export function scanForTerms<R extends { visible?: number | boolean | null; created_at: number; id: string }>(
  rows: readonly R[],
  toHit: (row: R) => SearchHitRecord,
  terms: readonly string[],
  limit: number,
): { hits: SearchHitRecord[]; next: SearchCursor | null } {
  const hits: SearchHitRecord[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (!row.visible) continue;
    const hit = toHit(row);
    const text = searchableText(hit.message);
    if (text === null || !containsAllTerms(text, terms)) continue;
    hits.push(hit);
    if (hits.length === limit) {
      const more = i < rows.length - 1 || rows.length === SEARCH_SCAN_MAX;
      return { hits, next: more ? { key: row.created_at, id: row.id } : null };
    }
  }
  const last = rows[rows.length - 1];
  return { hits, next: rows.length === SEARCH_SCAN_MAX && last ? { key: last.created_at, id: last.id } : null };
}

