/**
 * People search terms, the same for every adapter: the query's username prefix (as typed,
 * lower-cased, without a leading "@") and its display-name words, each folded to lower
 * case without accents and matched as a word prefix ("ann ex" finds "Ann Example").
 * Display names are folded the same way by each backend's own index (SQLite FTS5
 * unicode61 remove_diacritics, PostgreSQL unaccent + the simple text-search parser).
 */
export interface PeopleQuery {
  usernamePrefix: string;
  /** Lower-case, accent-free word starts; empty when the query has no letter or digit. */
  words: string[];
}

/** Words past this many add nothing a person would type, and each costs an index probe. */
const MAX_WORDS = 4;

export function foldForSearch(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
}

export function peopleQuery(raw: string): PeopleQuery {
  const trimmed = raw.trim();
  const words = foldForSearch(trimmed).split(/[^\p{L}\p{N}]+/u).filter(Boolean).slice(0, MAX_WORDS);
  return { usernamePrefix: trimmed.replace(/^@/, '').toLowerCase(), words };
}
