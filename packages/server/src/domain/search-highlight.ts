/**
 * Highlighting as data: which parts of a message matched a query, as an excerpt and
 * [start, end) ranges in it. Uses the same case folding as the stores' matching
 * (search-port.ts foldCase), so what was found is what gets marked.
 */
import { readableFields, SEARCH_LIMITS, type Message, type SearchRange, type SearchSnippet } from '@parley/protocol';
import { foldCase } from '../store/search-port';

/** Context kept before the first match when the field is cut. */
const LEAD = 40;
const ELLIPSIS = '…';

/** Every occurrence of every term in text, merged into sorted, non-overlapping ranges. */
export function matchRanges(text: string, terms: readonly string[]): SearchRange[] {
  const { folded, origin } = foldCase(text);
  const found: SearchRange[] = [];
  for (const term of terms) {
    const needle = foldCase(term).folded;
    if (needle.length === 0) continue;
    for (let i = folded.indexOf(needle); i !== -1; i = folded.indexOf(needle, i + 1)) {
      found.push({ start: origin[i]!, end: origin[i + needle.length]! });
    }
  }
  found.sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: SearchRange[] = [];
  for (const r of found) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}

const isLowSurrogate = (text: string, i: number) => i > 0 && i < text.length && /[\uDC00-\uDFFF]/.test(text[i]!);

/** Cuts text to about `max` characters around the first range, marking cuts with '…'. */
export function excerpt(text: string, ranges: readonly SearchRange[], max: number = SEARCH_LIMITS.snippetMax): { text: string; ranges: SearchRange[] } {
  if (text.length <= max) return { text, ranges: [...ranges] };
  let start = Math.max(0, Math.min((ranges[0]?.start ?? 0) - LEAD, text.length - max));
  let end = Math.min(text.length, start + max);
  // Never split a surrogate pair.
  if (isLowSurrogate(text, start)) start -= 1;
  if (isLowSurrogate(text, end)) end -= 1;
  const prefix = start > 0 ? ELLIPSIS : '';
  const suffix = end < text.length ? ELLIPSIS : '';
  const shift = prefix.length - start;
  const kept = ranges
    .filter((r) => r.end > start && r.start < end)
    .map((r) => ({ start: Math.max(r.start, start) + shift, end: Math.min(r.end, end) + shift }));
  return { text: prefix + text.slice(start, end) + suffix, ranges: kept };
}

/**
 * The snippet of a hit: the first readable field of its kind (message-kinds.ts: the body,
 * then the title) where a term matched, else the first matching attachment name; the
 * field with the most matches wins ties.
 */
export function snippetFor(message: Message, terms: readonly string[]): SearchSnippet {
  const fields: { field: SearchSnippet['field']; text: string }[] = [
    ...readableFields(message),
    ...(message.attachments ?? []).map((a) => ({ field: 'attachment' as const, text: a.name })),
  ];
  let best = { field: fields[0]?.field ?? 'body', text: fields[0]?.text ?? '', ranges: [] as SearchRange[] };
  for (const f of fields) {
    const ranges = matchRanges(f.text, terms);
    if (ranges.length > best.ranges.length || (best.ranges.length === 0 && ranges.length > 0)) best = { ...f, ranges };
    if (f.field === 'body' && ranges.length > 0) break;
  }
  return { field: best.field, ...excerpt(best.text, best.ranges) };
}
