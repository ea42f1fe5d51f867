/** Dates and names as people read them: words from the catalogue, dates in the person's locale (Intl). */
import type { Conversation, Member, PublicUser, UserId } from '@parley/protocol';
import { formatLocale, i18n } from '../i18n/i18n';

const DAY_MS = 24 * 60 * 60 * 1000;

function startOfDay(t: number): number {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

export function sameDay(a: number, b: number): boolean {
  return startOfDay(a) === startOfDay(b);
}

// Formatters are costly to build and used for every message on every render: one per locale and shape.
const cache = new Map<string, Intl.DateTimeFormat>();
function formatter(shape: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const locale = formatLocale();
  const key = `${locale}|${shape}`;
  let f = cache.get(key);
  if (!f) cache.set(key, (f = new Intl.DateTimeFormat(locale, options)));
  return f;
}

/** "Today", "Yesterday", or a date. */
export function dayLabel(t: number, now = Date.now()): string {
  const diff = Math.round((startOfDay(now) - startOfDay(t)) / DAY_MS);
  if (diff === 0) return i18n.t('time.today');
  if (diff === 1) return i18n.t('time.yesterday');
  const sameYear = new Date(t).getFullYear() === new Date(now).getFullYear();
  if (diff < 7) return formatter('weekday-long', { weekday: 'long', day: 'numeric', month: 'long' }).format(t);
  return sameYear ? formatter('day-month', { day: 'numeric', month: 'long' }).format(t) : formatter('date', { day: 'numeric', month: 'long', year: 'numeric' }).format(t);
}

/** A clock time the locale's way: "00:30" or "7:59 PM" (never a padded "07:59 PM"). */
export function clockTime(t: number): string {
  return formatter('clock', clockOptions(formatLocale())).format(t);
}

/** 24-hour locales pad the hour ("00:30", not "0:30"); 12-hour ones never do. */
export function clockOptions(locale: string): Intl.DateTimeFormatOptions {
  const cycle = new Intl.DateTimeFormat(locale, { hour: 'numeric' }).resolvedOptions().hourCycle;
  const twentyFour = cycle === 'h23' || cycle === 'h24';
  return { hour: twentyFour ? '2-digit' : 'numeric', minute: '2-digit' };
}

/** Short time for lists: a clock time today, a weekday this week, a date before. */
export function listTime(t: number, now = Date.now()): string {
  const diff = Math.round((startOfDay(now) - startOfDay(t)) / DAY_MS);
  if (diff === 0) return clockTime(t);
  if (diff === 1) return i18n.t('time.yesterday');
  if (diff < 7) return formatter('weekday-short', { weekday: 'short' }).format(t);
  return formatter('day-month-short', { day: 'numeric', month: 'short' }).format(t);
}

export function lastSeenText(lastSeenAt: number | null, now = Date.now()): string {
  if (lastSeenAt === null) return i18n.t('presence.offline');
  const min = Math.floor((now - lastSeenAt) / 60_000);
  if (min < 1) return i18n.t('presence.justNow');
  if (min < 60) return i18n.t('presence.minutesAgo', { count: min });
  if (sameDay(lastSeenAt, now)) return i18n.t('presence.todayAt', { time: clockTime(lastSeenAt) });
  return i18n.t('presence.dayAt', { day: dayLabel(lastSeenAt, now).toLowerCase(), time: clockTime(lastSeenAt) });
}

/** Up to two letters from the words of a name that start with a letter or digit ("Trip X (Lisbon)" → "TL"). */
export function initials(name: string): string {
  const words = name
    .trim()
    .split(/\s+/)
    .map((w) => w.replace(/^[^\p{L}\p{N}]+/u, ''))
    .filter(Boolean);
  if (words.length === 0) return '?';
  const first = [...words[0]!][0]!;
  if (words.length === 1) return [...words[0]!].filter((ch) => /[\p{L}\p{N}]/u.test(ch)).slice(0, 2).join('').toUpperCase() || first.toUpperCase();
  return (first + [...words[words.length - 1]!][0]!).toUpperCase();
}

/** The other member of a direct conversation (or me, in a conversation with myself). */
export function peerOf(c: Conversation, me: UserId | undefined): Member | undefined {
  return c.members.find((m) => m.user.id !== me) ?? c.members[0];
}

export function conversationName(c: Conversation, me: UserId | undefined): string {
  if (c.kind === 'group') return c.title ?? i18n.t('conversation.untitledGroup');
  return peerOf(c, me)?.user.displayName ?? i18n.t('conversation.direct');
}

export function nameOf(user: PublicUser | undefined): string {
  return user?.displayName || user?.username || i18n.t('common.someone');
}
