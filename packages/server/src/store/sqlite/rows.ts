/** Row shapes as SQLite returns them, and their mapping to port records. */
import type { ConversationEvent, ConversationId, Message, MessageId, MessageKind, UserEvent, UserId, ClientMessageId } from '@parley/protocol';
import type { UserRecord } from '../port';
import { parseAttachments } from './attachments';
export { toConversation, toMember, toPublicUser, toRefreshToken, type ConversationRow, type MemberRow, type PublicUserRow, type RefreshTokenRow } from '../rows-common';

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  avatar_url: string | null;
  password_hash: string;
  privacy_last_seen: string;
  privacy_read_receipts: number;
  role: string;
  session_version: number;
  suspended_at: number | null;
  last_seen_at: number | null;
  created_at: number;
}

export function toUser(r: UserRow): UserRecord {
  return {
    id: r.id as UserId,
    username: r.username,
    displayName: r.display_name,
    avatarUrl: r.avatar_url,
    passwordHash: r.password_hash,
    privacy: { lastSeen: r.privacy_last_seen as 'everyone' | 'nobody', readReceipts: r.privacy_read_receipts === 1 },
    role: r.role as 'user' | 'admin',
    sessionVersion: r.session_version,
    suspendedAt: r.suspended_at,
    lastSeenAt: r.last_seen_at,
    createdAt: r.created_at,
  };
}

export interface MessageRow {
  id: string;
  conversation_id: string;
  seq: number;
  sender_id: string;
  client_message_id: string;
  kind: string;
  /** JSON; null once deleted for everyone. */
  content: string | null;
  reply_to: string | null;
  thread_root_id: string | null;
  target_id: string | null;
  created_at: number;
  edited_at: number | null;
  deleted_at: number | null;
  attachments: string | null;
}

export const MESSAGE_COLUMNS = 'm.id, m.conversation_id, m.seq, m.sender_id, m.client_message_id, m.kind, m.content, m.reply_to, m.thread_root_id, m.target_id, m.created_at, m.edited_at, m.deleted_at, m.attachments';

export function toMessage(r: MessageRow): Message {
  return {
    id: r.id as MessageId,
    conversationId: r.conversation_id as ConversationId,
    seq: r.seq,
    senderId: r.sender_id as UserId,
    clientMessageId: r.client_message_id as ClientMessageId,
    // Stored as the domain gave it (validated by the kind's schema): never interpreted here.
    kind: r.kind as MessageKind,
    content: r.content === null ? null : (JSON.parse(r.content) as unknown),
    replyTo: r.reply_to as MessageId | null,
    threadRootId: r.thread_root_id as MessageId | null,
    targetId: r.target_id as MessageId | null,
    createdAt: r.created_at,
    editedAt: r.edited_at,
    deletedAt: r.deleted_at,
    ...parseAttachments(r.attachments),
  } as Message;
}

export interface EventRow {
  conversation_id: string;
  seq: number;
  type: string;
  actor_id: string;
  at: number;
  payload: string;
}

/** Rebuilds the protocol's event object: the common columns plus the type-specific JSON payload. */
export function toEvent(r: EventRow): ConversationEvent {
  return {
    ...(JSON.parse(r.payload) as object),
    conversationId: r.conversation_id,
    seq: r.seq,
    type: r.type,
    actorId: r.actor_id,
    at: r.at,
  } as ConversationEvent;
}

export interface UserEventRow {
  user_seq: number;
  type: string;
  at: number;
  payload: string;
}

export function toUserEvent(r: UserEventRow): UserEvent {
  return { ...(JSON.parse(r.payload) as object), userSeq: r.user_seq, type: r.type, at: r.at } as UserEvent;
}
