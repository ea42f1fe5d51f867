/** The store's state shape and the pure helpers that build the next one. */
import type { ClientStatus, FileToSend, OutboxItem, ParleyClient } from '@parley/client';
import type { AttachmentId, Conversation, ConversationEvent, Me, Presence, PublicUser } from '@parley/protocol';
import type { MessageWindow } from './conversation-events';
import { mergeNotices, noticesFrom } from './notices';

/** A send the server refused for good (blocked, filtered…): kept so its text is not lost. */
export interface FailedSend {
  clientMessageId: string;
  conversationId: string;
  title: string | null;
  body: string;
  attachmentIds: readonly AttachmentId[];
  /** Files picked offline that went with it (in memory only): sent again on retry. */
  files: readonly FileToSend[];
  createdAt: number;
  error: unknown;
}

/** Why a conversation I was in became read-only here (the server now answers 404 for it). */
export interface Departure {
  reason: 'removed';
  at: number;
}

export interface ChatState {
  me: Me | null;
  status: ClientStatus;
  listState: 'loading' | 'loaded' | 'error';
  conversations: Readonly<Record<string, Conversation>>;
  windows: Readonly<Record<string, MessageWindow>>;
  /** conversation → user → when the indicator expires. */
  typing: Readonly<Record<string, Readonly<Record<string, number>>>>;
  presence: Readonly<Record<string, Presence>>;
  /** Authors of loaded messages who are no longer members (asked once each with getUser). */
  formerMembers: Readonly<Record<string, PublicUser>>;
  outbox: readonly OutboxItem[];
  /** Refused sends, per conversation, oldest first: shown as failed bubbles to retry, edit or copy. */
  failed: Readonly<Record<string, readonly FailedSend[]>>;
  /**
   * Conversations I was removed from: kept here, read-only, with what was loaded. In
   * memory only; an offline cache may persist this with the conversation.
   */
  departed: Readonly<Record<string, Departure>>;
  /** The newest incoming message, for the screen reader announcement (live region). */
  announcement: { id: string; conversationId: string } | null;
}

export function initialState(client: ParleyClient): ChatState {
  return {
    me: client.user,
    status: client.status,
    listState: 'loading',
    conversations: {},
    windows: {},
    typing: {},
    presence: {},
    formerMembers: {},
    outbox: client.outbox,
    failed: {},
    departed: {},
    announcement: null,
  };
}

/** The window with the notices among `events` added (none when the conversation is unknown). */
export function withNotices(w: MessageWindow, events: readonly ConversationEvent[], c: Conversation | undefined): MessageWindow {
  if (!c || events.length === 0) return w;
  const incoming = noticesFrom(events, c, w.notices);
  return incoming.length === 0 ? w : { ...w, notices: mergeNotices(w.notices, incoming) };
}

export function withoutTyping(typing: ChatState['typing'], conversationId: string, userId: string): ChatState['typing'] {
  const inConv = { ...typing[conversationId] };
  delete inConv[userId];
  return { ...typing, [conversationId]: inConv };
}

/** Every copy of this user (members of every conversation, former members) replaced by the new profile. */
export function withProfile(s: ChatState, u: PublicUser): Partial<ChatState> {
  const conversations: Record<string, Conversation> = {};
  for (const [id, c] of Object.entries(s.conversations)) {
    conversations[id] = c.members.some((m) => m.user.id === u.id) ? { ...c, members: c.members.map((m) => (m.user.id === u.id ? { ...m, user: u } : m)) } : c;
  }
  const patch: Partial<ChatState> = { conversations };
  if (s.formerMembers[u.id]) patch.formerMembers = { ...s.formerMembers, [u.id]: u };
  if (s.me?.id === u.id) patch.me = { ...s.me, displayName: u.displayName, avatarUrl: u.avatarUrl };
  return patch;
}

export function without<T>(record: Readonly<Record<string, T>>, key: string): Record<string, T> {
  const rest = { ...record };
  delete rest[key];
  return rest;
}
