/**
 * Splits message text into plain parts and links. Only http, https and mailto become
 * links; everything else stays text (React escapes it), so a message can never carry
 * markup or a javascript: URL.
 */
export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const CANDIDATE = /\b(?:https?:\/\/|mailto:)[^\s<>"']+/gi;
const TRAILING = /[.,;:!?)\]}'"]+$/;

function safeHref(raw: string): string | null {
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'mailto:' ? u.href : null;
  } catch {
    return null;
  }
}

export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(CANDIDATE)) {
    let raw = m[0];
    // "see https://x.org." — the dot ends the sentence, not the URL (but keep balanced parens).
    const trail = TRAILING.exec(raw)?.[0] ?? '';
    if (trail) raw = raw.slice(0, raw.length - trail.length);
    if (raw.includes('(') && trail.startsWith(')')) raw += ')';
    const href = safeHref(raw);
    if (!href) continue;
    const start = m.index ?? 0;
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) });
    parts.push({ kind: 'link', text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}
