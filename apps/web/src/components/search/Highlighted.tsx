import type { SearchSnippet } from '@parley/protocol';

/** Snippet text with the matched ranges in <mark>: plain text nodes only, never HTML. */
export function Highlighted({ snippet }: { snippet: SearchSnippet }) {
  const parts: { text: string; marked: boolean }[] = [];
  let at = 0;
  for (const r of snippet.ranges) {
    if (r.start < at || r.end > snippet.text.length || r.end <= r.start) continue;
    if (r.start > at) parts.push({ text: snippet.text.slice(at, r.start), marked: false });
    parts.push({ text: snippet.text.slice(r.start, r.end), marked: true });
    at = r.end;
  }
  if (at < snippet.text.length) parts.push({ text: snippet.text.slice(at), marked: false });
  return <>{parts.map((p, i) => (p.marked ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}</>;
}
