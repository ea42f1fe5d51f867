/**
 * Row shapes as PostgreSQL returns them (snake_case, BIGINT already parsed to number)
 * and their mapping to port records. SELECT lists below are the single source for
 * the columns each mapper needs.
 */
import type {
  ClientMessageId,
  ConversationEvent,
  ConversationId,
  Message,
  MessageId,
  MessageKind,
  UserEvent,
  UserId,
} from '@parley/protocol';
import type { MessageAttachment } from '@parley/protocol';
import { attachmentsField } from './attachments';
import type { UserRecord } from '../port';
export { toConversation, toMember, toPublicUser, toRefreshToken, type ConversationRow, type MemberRow, type PublicUserRow, type RefreshTokenRow } from '../rows-common';

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  avatar_url: string | null;
  password_hash: string;
  last_seen_visibility: 'everyone' | 'nobody';
  read_receipts: boolean;
  role: 'user' | 'admin';
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
    privacy: { lastSeen: r.last_seen_visibility, readReceipts: r.read_receipts },
    role: r.role,
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
  /** Parsed jsonb; null once deleted for everyone. */
  content: unknown;
  reply_to: string | null;
  thread_root_id: string | null;
  target_id: string | null;
  created_at: number;
  edited_at: number | null;
  deleted_at: number | null;
  attachments?: MessageAttachment[] | null;
}

export function toMessage(r: MessageRow): Message {
  return {
    id: r.id as MessageId,
    conversationId: r.conversation_id as ConversationId,
    seq: r.seq,
    senderId: r.sender_id as UserId,
    clientMessageId: r.client_message_id as ClientMessageId,
    // Stored as the domain gave it (validated by the kind's schema): never interpreted here.
    kind: r.kind as MessageKind,
    content: r.content ?? null,
    replyTo: r.reply_to as MessageId | null,
    threadRootId: r.thread_root_id as MessageId | null,
    targetId: r.target_id as MessageId | null,
    createdAt: r.created_at,
    editedAt: r.edited_at,
    deletedAt: r.deleted_at,
    ...attachmentsField(r.attachments),
  } as Message;
}

export interface EventRow {
  payload: ConversationEvent;
}

export interface UserEventRow {
  user_seq: number;
  type: UserEvent['type'];
  at: number;
  conversation_id: string;
  message_id: string | null;
}

export function toUserEvent(r: UserEventRow): UserEvent {
  const conversationId = r.conversation_id as ConversationId;
  if (r.type === 'message.hidden') {
    return { userSeq: r.user_seq, at: r.at, type: r.type, conversationId, messageId: r.message_id as MessageId };
  }
  return { userSeq: r.user_seq, at: r.at, type: r.type, conversationId };
}
