/** Dates and names as people read them, in the browser's locale. */
import type { Conversation, Member, PublicUser, UserId } from '@parley/protocol';

const DAY_MS = 24 * 60 * 60 * 1000;

function startOfDay(t: number): number {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

export function sameDay(a: number, b: number): boolean {
  return startOfDay(a) === startOfDay(b);
}

/** "Today", "Yesterday", or a date. */
export function dayLabel(t: number, now = Date.now()): string {
  const diff = Math.round((startOfDay(now) - startOfDay(t)) / DAY_MS);
  if (diff === 0) return 'Today';
  if (diff === 1) return 'Yesterday';
  const d = new Date(t);
  const sameYear = d.getFullYear() === new Date(now).getFullYear();
  return d.toLocaleDateString(undefined, { weekday: diff < 7 ? 'long' : undefined, day: 'numeric', month: 'long', year: sameYear ? undefined : 'numeric' });
}

// Formatters are costly to build and are used for every message on every render: build each once.
const CLOCK = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const WEEKDAY_SHORT = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const DAY_MONTH = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });

export function clockTime(t: number): string {
  return CLOCK.format(t);
}

/** Short time for lists: a clock time today, a weekday this week, a date before. */
export function listTime(t: number, now = Date.now()): string {
  const diff = Math.round((startOfDay(now) - startOfDay(t)) / DAY_MS);
  if (diff === 0) return clockTime(t);
  if (diff === 1) return 'Yesterday';
  if (diff < 7) return WEEKDAY_SHORT.format(t);
  return DAY_MONTH.format(t);
}

export function lastSeenText(lastSeenAt: number | null, now = Date.now()): string {
  if (lastSeenAt === null) return 'offline';
  const min = Math.floor((now - lastSeenAt) / 60_000);
  if (min < 1) return 'last seen just now';
  if (min < 60) return `last seen ${min} min ago`;
  if (sameDay(lastSeenAt, now)) return `last seen today at ${clockTime(lastSeenAt)}`;
  return `last seen ${dayLabel(lastSeenAt, now).toLowerCase()} at ${clockTime(lastSeenAt)}`;
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0]![0], parts[parts.length - 1]![0]] : [...(parts[0] ?? '?')].slice(0, 2);
  return letters.join('').toUpperCase();
}

/** The other member of a direct conversation (or me, in a conversation with myself). */
export function peerOf(c: Conversation, me: UserId | undefined): Member | undefined {
  return c.members.find((m) => m.user.id !== me) ?? c.members[0];
}

export function conversationName(c: Conversation, me: UserId | undefined): string {
  if (c.kind === 'group') return c.title ?? 'Untitled group';
  return peerOf(c, me)?.user.displayName ?? 'Direct conversation';
}

export function nameOf(user: PublicUser | undefined): string {
  return user?.displayName || user?.username || 'Someone';
}
