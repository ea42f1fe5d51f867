/**
 * What human-readable text may contain, decided once for the server, the SDK and the
 * web app. Three kinds:
 * - names (display names, group titles): one line, NFC, no control, bidi-override or
 *   line-separator characters, and something visible left once invisible characters are
 *   removed (a name of zero-width spaces or a lone BOM impersonates "nobody");
 * - titles (a message's title): the same, but may be empty where the field allows it;
 * - message text (bodies): newlines and tabs allowed, NFC, no other controls and no bidi
 *   overrides (U+202E makes "exe.txt" read as "txt.exe").
 * Every string, of every kind, must also be well-formed UTF-16: JSON lets a client send
 * a lone surrogate (`"\ud800"`) that no store can keep as it was acknowledged.
 * Usernames stay ASCII (rest.ts).
 */
import { z } from 'zod';

/** A high surrogate not followed by a low one, or a low one without a high one before it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** C0 and C1 controls and DEL. */
const CONTROLS = /[\u0000-\u001F\u007F-\u009F]/;
/** C0/C1 controls except tab, newline and carriage return (which message text keeps). */
const CONTROLS_BUT_LINES = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** Bidi embeddings, overrides and isolates (marks such as U+200E/U+200F stay allowed). */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;
/** Line and paragraph separators, and the BOM / zero-width no-break space. */
const ONE_LINE_BREAKERS = /[\u2028\u2029\uFEFF]/;
/** What renders as nothing: default-ignorable code points (zero-width, fillers, format characters), whitespace, controls, the braille blank. */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{White_Space}\p{Cc}\u2800]/gu;

/** True when the string has no lone surrogate (String.prototype.isWellFormed, for every runtime). */
export function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** True when nothing is left of the string once invisible characters are removed. */
export function isInvisible(s: string): boolean {
  return s.replace(INVISIBLE, '').length === 0;
}

/**
 * Where a parsed JSON value holds a string (as a key or a value) that is not well-formed
 * UTF-16: the path of the first one, or null. Servers run it over every request body and
 * frame before anything else, so no schema can forget it.
 */
export function findIllFormedString(value: unknown, path: (string | number)[] = [], depth = 0): (string | number)[] | null {
  if (typeof value === 'string') return isWellFormed(value) ? null : path;
  if (depth > 64 || value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findIllFormedString(value[i], [...path, i], depth + 1);
      if (found) return found;
    }
    return null;
  }
  for (const [key, v] of Object.entries(value)) {
    if (!isWellFormed(key)) return [...path, '(key)'];
    const found = findIllFormedString(v, [...path, key], depth + 1);
    if (found) return found;
  }
  return null;
}

const nfc = (s: string) => s.normalize('NFC');

function lineRules(max: number) {
  return z
    .string()
    .max(max)
    .refine(isWellFormed, 'must be well-formed text (no lone surrogates)')
    .refine((s) => !CONTROLS.test(s), 'control characters are not allowed')
    .refine((s) => !BIDI_CONTROLS.test(s), 'bidirectional override characters are not allowed')
    .refine((s) => !ONE_LINE_BREAKERS.test(s), 'line separators and byte-order marks are not allowed');
}

/** A display name or group title: one line, something visible, stored in NFC. */
export function displayName(max: number) {
  return lineRules(max)
    .refine((s) => !isInvisible(s), 'must contain visible characters')
    .transform(nfc);
}

/** A message title: one line, stored in NFC; may be empty (callers make it required where it is). */
export function titleText(max: number) {
  return lineRules(max).transform(nfc);
}

/** A required title: like titleText but with something visible. */
export function requiredTitleText(max: number) {
  return displayName(max);
}

/** Message text: newlines and tabs allowed, not only whitespace, stored in NFC. */
export function messageText(max: number) {
  return z
    .string()
    .max(max)
    .refine(isWellFormed, 'must be well-formed text (no lone surrogates)')
    .refine((s) => !CONTROLS_BUT_LINES.test(s), 'control characters are not allowed')
    .refine((s) => !BIDI_CONTROLS.test(s), 'bidirectional override characters are not allowed')
    .refine((s) => !isInvisible(s), 'must not be empty')
    .transform(nfc);
}
