/**
 * Pure reducers: how one conversation event changes a conversation summary and its
 * loaded message window. The SDK delivers each event exactly once and in seq order, so
 * these only need to be correct for that stream; they are also idempotent for the
 * overlaps between a REST snapshot and the stream (same message id, same deletion).
 */
import type { Conversation, ConversationEvent, Member, Message, UserId } from '@parley/protocol';
import type { Notice } from './notices';

export interface MessageWindow {
  /** Ascending by seq, contiguous up to the newest message. */
  messages: Message[];
  /** Membership and title changes among the loaded messages, ascending by seq (see notices.ts). */
  notices: Notice[];
  hasOlder: boolean;
  loading: boolean;
  loadingOlder: boolean;
}

export function emptyWindow(): MessageWindow {
  return { messages: [], notices: [], hasOlder: false, loading: true, loadingOlder: false };
}

/** Union by id, sorted by seq; a message from `incoming` wins over an older copy. */
export function mergeMessages(current: readonly Message[], incoming: readonly Message[]): Message[] {
  const byId = new Map<string, Message>();
  for (const m of current) byId.set(m.id, m);
  for (const m of incoming) {
    const old = byId.get(m.id);
    // Deletion is final, and a later edit beats an earlier copy.
    if (old && (old.deletedAt !== null || (old.editedAt ?? 0) > (m.editedAt ?? 0))) continue;
    byId.set(m.id, m);
  }
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

function patchMessage(m: Message, e: ConversationEvent): Message {
  if (e.type === 'message.edited' && m.id === e.messageId && m.deletedAt === null && e.editedAt >= (m.editedAt ?? 0)) return { ...m, content: e.content, editedAt: e.editedAt } as Message;
  if (e.type === 'message.deleted' && m.id === e.messageId) return { ...m, content: null, deletedAt: e.at };
  return m;
}

export function applyToWindow(w: MessageWindow, e: ConversationEvent): MessageWindow {
  switch (e.type) {
    case 'message.created':
      return { ...w, messages: mergeMessages(w.messages, [e.message]) };
    case 'message.edited':
    case 'message.deleted':
      return { ...w, messages: w.messages.map((m) => patchMessage(m, e)) };
    default:
      return w;
  }
}

function setMember(members: Member[], userId: UserId, patch: Partial<Member>): Member[] {
  return members.map((m) => (m.user.id === userId ? { ...m, ...patch } : m));
}

/**
 * The conversation after the event, or null when the event took me out of it.
 * `countUnread` says whether a new message from someone else adds to my unread count
 * (false while I am looking at the conversation).
 */
export function applyToConversation(c: Conversation, e: ConversationEvent, me: UserId, countUnread: boolean): Conversation | null {
  const base: Conversation = { ...c, lastSeq: Math.max(c.lastSeq, e.seq), updatedAt: Math.max(c.updatedAt, e.at) };
  switch (e.type) {
    case 'conversation.created':
      return base;
    case 'conversation.renamed':
      return { ...base, title: e.title };
    case 'conversation.settings':
      return { ...base, historyVisibility: e.historyVisibility };
    case 'message.created': {
      const mine = e.message.senderId === me;
      return {
        ...base,
        lastMessage: e.message,
        unreadCount: !mine && countUnread ? c.unreadCount + 1 : c.unreadCount,
        // My own message is read and delivered by me, by definition.
        me: mine ? { ...c.me, readSeq: Math.max(c.me.readSeq, e.seq), deliveredSeq: Math.max(c.me.deliveredSeq, e.seq) } : c.me,
      };
    }
    case 'message.edited':
    case 'message.deleted':
      return { ...base, lastMessage: c.lastMessage ? patchMessage(c.lastMessage, e) : null };
    case 'member.added':
      if (c.members.some((m) => m.user.id === e.userId)) return { ...base, members: setMember(c.members, e.userId, { role: e.role, user: e.user }) };
      return { ...base, members: [...c.members, { user: e.user, role: e.role, deliveredSeq: 0, readSeq: 0, joinedAt: e.at }] };
    case 'member.removed':
    case 'member.left':
      if (e.userId === me) return null;
      return { ...base, members: c.members.filter((m) => m.user.id !== e.userId) };
    case 'member.role':
      return { ...base, members: setMember(c.members, e.userId, { role: e.role }), me: e.userId === me ? { ...c.me, role: e.role } : c.me };
  }
}
