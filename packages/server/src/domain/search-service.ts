/**
 * Search of my own history (see @parley/protocol search.ts). The store finds and
 * pages; this turns the query into terms, names senders and peers, and computes the
 * highlighted snippets.
 */
import type { SearchResponse, UserId } from '@parley/protocol';
import { AppError } from './errors';
import type { Deps } from './deps';
import { snippetFor } from './search-highlight';
import { decodeCursor, encodeCursor, publicUser } from './views';
import { foldCase } from '../store/search-port';

/** Whitespace-separated terms, each once (case-insensitively). */
export function queryTerms(q: string): string[] {
  const seen = new Set<string>();
  const terms: string[] = [];
  for (const t of q.trim().split(/\s+/u)) {
    const key = foldCase(t).folded;
    if (t === '' || seen.has(key)) continue;
    seen.add(key);
    terms.push(t);
  }
  return terms;
}

export class SearchService {
  constructor(private readonly deps: Deps) {}

  async search(userId: UserId, q: { q: string; limit: number; cursor?: string | undefined }): Promise<SearchResponse> {
    const cursor = decodeCursor(q.cursor);
    if (cursor === null) throw new AppError('BAD_REQUEST', 'invalid cursor');
    const terms = queryTerms(q.q);
    if (terms.length === 0) throw new AppError('BAD_REQUEST', 'empty query');
    const { hits, next } = await this.deps.store.search.searchMessages({
      userId,
      terms,
      limit: q.limit,
      ...(cursor ? { cursor: { key: cursor.at, id: cursor.id } } : {}),
    });
    const ids = new Set(hits.flatMap((h) => (h.peerId ? [h.message.senderId, h.peerId] : [h.message.senderId])));
    const users = new Map((await this.deps.store.getPublicUsers([...ids])).map((u) => [u.id, publicUser(u)]));
    const unknown = (id: UserId) => ({ id, username: '', displayName: '', avatarUrl: null });
    return {
      results: hits.map((h) => ({
        message: h.message,
        conversation: h.conversation,
        sender: users.get(h.message.senderId) ?? unknown(h.message.senderId),
        peer: h.peerId ? (users.get(h.peerId) ?? unknown(h.peerId)) : null,
        snippet: snippetFor(h.message, terms),
      })),
      nextCursor: next ? encodeCursor(next.key, next.id) : null,
    };
  }
}
