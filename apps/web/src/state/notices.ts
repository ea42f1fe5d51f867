/**
 * Timeline notices: the group's membership and title changes ("Ann added Bob", "Bob
 * left", "Ann renamed the group to “Trip”"), shown among the messages in seq order.
 *
 * They come from the same event log as the messages: live from the SDK's event stream,
 * and for history from the events route over the seq range of each loaded page (the
 * history route returns messages only). Pure functions; the store keeps the result in
 * the conversation's MessageWindow, keyed (and deduplicated) by seq.
 */
import type { Conversation, ConversationEvent, Role, PublicUser, UserId } from '@parley/protocol';
import { i18n } from '../i18n/i18n';

export type NoticeKind = 'created' | 'added' | 'removed' | 'left' | 'renamed' | 'role';

export interface Notice {
  seq: number;
  at: number;
  kind: NoticeKind;
  actorId: UserId;
  /** The member the notice is about (added, removed, left, role). */
  userId: UserId | null;
  /** The member's new role (role). */
  role?: Role;
  /** Group title (created, renamed). */
  title: string | null;
  /** Names resolved when the notice was made (a removed member is no longer in the member list). */
  actor: PublicUser | null;
  user: PublicUser | null;
}

/**
 * The notice an event shows as, or null when it shows none: messages and their changes,
 * anything in a direct conversation, and the members a group was created
 * with (its "created" notice stands for them). `known` resolves user ids to people
 * beyond the conversation's current members.
 */
export function toNotice(e: ConversationEvent, c: Conversation, known: ReadonlyMap<string, PublicUser> = new Map()): Notice | null {
  if (c.kind !== 'group') return null;
  const find = (id: UserId): PublicUser | null => c.members.find((m) => m.user.id === id)?.user ?? known.get(id) ?? null;
  const base = { seq: e.seq, at: e.at, actorId: e.actorId, actor: find(e.actorId), userId: null, title: null, user: null };
  switch (e.type) {
    case 'conversation.created':
      return { ...base, kind: 'created', title: e.title };
    case 'conversation.renamed':
      return { ...base, kind: 'renamed', title: e.title };
    case 'member.added':
      if (e.userId === e.actorId || e.at === c.createdAt) return null;
      return { ...base, kind: 'added', userId: e.userId, user: e.user };
    case 'member.removed':
      return { ...base, kind: 'removed', userId: e.userId, user: find(e.userId) };
    case 'member.left':
      return { ...base, kind: 'left', userId: e.userId, user: find(e.userId) };
    case 'member.role':
      return { ...base, kind: 'role', userId: e.userId, user: find(e.userId), role: e.role };
    default:
      return null;
  }
}

/** The notices among `events` (any order, any types), resolving names from the events themselves too. */
export function noticesFrom(events: readonly ConversationEvent[], c: Conversation, existing: readonly Notice[] = []): Notice[] {
  const known = new Map<string, PublicUser>();
  for (const n of existing) {
    if (n.actor) known.set(n.actor.id, n.actor);
    if (n.user) known.set(n.user.id, n.user);
  }
  for (const e of events) if (e.type === 'member.added') known.set(e.userId, e.user);
  const out: Notice[] = [];
  for (const e of events) {
    const n = toNotice(e, c, known);
    if (n) out.push(n);
  }
  return out;
}

/**
 * Union by seq (a seq is one event, so the copies are equal), ascending. A name one
 * notice lacks is filled from another (a member who left is named by the notice that
 * added them, once that page is loaded).
 */
export function mergeNotices(current: readonly Notice[], incoming: readonly Notice[]): Notice[] {
  if (incoming.length === 0) return current as Notice[];
  const bySeq = new Map<number, Notice>();
  for (const n of current) bySeq.set(n.seq, n);
  for (const n of incoming) if (!bySeq.has(n.seq)) bySeq.set(n.seq, n);
  const all = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  const known = new Map<string, PublicUser>();
  for (const n of all) {
    if (n.actor) known.set(n.actor.id, n.actor);
    if (n.user) known.set(n.user.id, n.user);
  }
  return all.map((n) => {
    const actor = n.actor ?? known.get(n.actorId) ?? null;
    const user = n.user ?? (n.userId ? (known.get(n.userId) ?? null) : null);
    return actor === n.actor && user === n.user ? n : { ...n, actor, user };
  });
}

/**
 * The sentence a notice reads as, for `me`; `members` (and former members) resolve names
 * the notice could not.
 * Sentences come from the catalogue ("notice.*"), with "self" variants where I am the actor.
 */
export function noticeText(n: Notice, me: UserId | undefined, members: readonly { user: PublicUser }[] = []): string {
  const name = (id: UserId | null, u: PublicUser | null): string => {
    const user = u ?? members.find((m) => m.user.id === id)?.user;
    return user?.displayName || user?.username || i18n.t('common.someone');
  };
  const byMe = n.actorId === me;
  const aboutMe = n.userId !== null && n.userId === me;
  const values = { actor: name(n.actorId, n.actor), user: name(n.userId, n.user), title: n.title ?? '' };
  const who = byMe ? 'me' : 'other';
  switch (n.kind) {
    case 'created':
      return i18n.t(n.title ? `notice.created.${who}` : `notice.createdUntitled.${who}`, values);
    case 'renamed':
      return i18n.t(`notice.renamed.${who}`, values);
    case 'added':
    case 'removed':
      return i18n.t(`notice.${n.kind}.${aboutMe ? 'you' : who}`, values);
    case 'left':
      return i18n.t(aboutMe ? 'notice.left.me' : 'notice.left.other', values);
    case 'role':
      return i18n.t(`notice.role.${aboutMe ? 'you' : who}.${n.role ?? 'member'}`, values);
  }
}

/** The event types that can become notices: what a page's events are filtered to. */
export function isNoticeEvent(e: ConversationEvent): boolean {
  return (
    e.type === 'conversation.created' ||
    e.type === 'conversation.renamed' ||
    e.type === 'member.added' ||
    e.type === 'member.removed' ||
    e.type === 'member.left' ||
    e.type === 'member.role'
  );
}
