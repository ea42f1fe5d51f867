/**
 * Row shapes both adapters read alike (the same snake_case columns), and their mapping to
 * port records. Flags arrive as 0/1 from SQLite and as booleans from PostgreSQL, so the
 * mappers accept either.
 */
import type { AttachmentId, ConversationId, HistoryVisibility, Message, MessageAttachment, MessageId, MessageKind, NotificationKind, Role, UserId } from '@parley/protocol';
import type { AttachmentRecord } from './attachments-port';
import type { NotificationRecord, PushSubscriptionRecord } from './notifications-port';
import type { ReportRecord } from './moderation-port';
import type { ConversationRecord, MemberRecord, PublicUserRecord, RefreshTokenRecord, SendInput } from './port';

export interface PublicUserRow {
  id: string;
  username: string;
  display_name: string;
  avatar_url: string | null;
}

export function toPublicUser(r: PublicUserRow): PublicUserRecord {
  return { id: r.id as UserId, username: r.username, displayName: r.display_name, avatarUrl: r.avatar_url };
}

export interface RefreshTokenRow {
  id: string;
  user_id: string;
  family_id: string;
  token_hash: string;
  expires_at: number;
  used_at: number | null;
  revoked_at: number | null;
  created_at: number;
}

export function toRefreshToken(r: RefreshTokenRow): RefreshTokenRecord {
  return {
    id: r.id,
    userId: r.user_id as UserId,
    familyId: r.family_id,
    tokenHash: r.token_hash,
    expiresAt: r.expires_at,
    usedAt: r.used_at,
    revokedAt: r.revoked_at,
    createdAt: r.created_at,
  };
}

export interface ConversationRow {
  id: string;
  kind: string;
  title: string | null;
  history_visibility: string;
  last_seq: number;
  receipts_version: number;
  created_at: number;
  updated_at: number;
}

export function toConversation(r: ConversationRow): ConversationRecord {
  return {
    id: r.id as ConversationId,
    kind: r.kind as 'direct' | 'group',
    title: r.title,
    historyVisibility: r.history_visibility as HistoryVisibility,
    lastSeq: r.last_seq,
    receiptsVersion: r.receipts_version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface MemberRow {
  user_id: string;
  role: Role;
  delivered_seq: number;
  read_seq: number;
  archived: number | boolean;
  joined_at: number;
  visible_from_seq: number;
}

export function toMember(r: MemberRow): MemberRecord {
  return {
    userId: r.user_id as UserId,
    role: r.role,
    deliveredSeq: r.delivered_seq,
    readSeq: r.read_seq,
    archived: r.archived === true || r.archived === 1,
    joinedAt: r.joined_at,
    visibleFromSeq: r.visible_from_seq,
  };
}

export interface AttachmentRow {
  id: string;
  owner_id: string;
  state: string;
  name: string;
  size: number;
  content_type: string;
  kind: string;
  width: number | null;
  height: number | null;
  has_thumbnail: number | boolean;
  conversation_id: string | null;
  message_id: string | null;
  created_at: number;
  released_at: number | null;
}

export function toAttachment(r: AttachmentRow): AttachmentRecord {
  return {
    id: r.id as AttachmentId,
    ownerId: r.owner_id as UserId,
    state: r.state as AttachmentRecord['state'],
    name: r.name,
    size: r.size,
    contentType: r.content_type,
    kind: r.kind as AttachmentRecord['kind'],
    width: r.width,
    height: r.height,
    hasThumbnail: r.has_thumbnail === true || r.has_thumbnail === 1,
    conversationId: r.conversation_id as ConversationId | null,
    messageId: r.message_id as MessageId | null,
    createdAt: r.created_at,
    releasedAt: r.released_at,
  };
}

export interface ReportRow {
  id: string;
  conversation_id: string;
  message_id: string;
  reporter_id: string;
  reason: string;
  created_at: number;
  resolved_at: number | null;
  resolved_by: string | null;
}

export function toReport(r: ReportRow): ReportRecord {
  return {
    id: r.id,
    conversationId: r.conversation_id as ConversationId,
    messageId: r.message_id as MessageId,
    reporterId: r.reporter_id as UserId,
    reason: r.reason,
    createdAt: r.created_at,
    resolvedAt: r.resolved_at,
    resolvedBy: r.resolved_by as UserId | null,
  };
}

export interface NotificationRow {
  id: string;
  user_id: string;
  kind: string;
  conversation_id: string;
  conversation_kind: string;
  conversation_title: string | null;
  actor_id: string | null;
  actor_username: string | null;
  actor_display_name: string | null;
  actor_avatar_url: string | null;
  message_id: string | null;
  seq: number | null;
  message_kind: string | null;
  /** JSON text (SQLite) or parsed jsonb (PostgreSQL); null when the member may not see it. */
  message_content: unknown;
  message_count: number;
  created_at: number;
  read_at: number | null;
}

export interface PushRow {
  endpoint: string;
  user_id: string;
  p256dh: string;
  auth: string;
  created_at: number;
}

export function toNotification(r: NotificationRow): NotificationRecord {
  return {
    id: r.id,
    userId: r.user_id as UserId,
    kind: r.kind as NotificationKind,
    conversationId: r.conversation_id as ConversationId,
    conversationKind: r.conversation_kind as 'direct' | 'group',
    conversationTitle: r.conversation_title,
    actor:
      r.actor_id !== null && r.actor_username !== null
        ? { id: r.actor_id as UserId, username: r.actor_username, displayName: r.actor_display_name ?? r.actor_username, avatarUrl: r.actor_avatar_url }
        : null,
    messageId: r.message_id as MessageId | null,
    seq: r.seq,
    message:
      r.message_kind !== null && r.message_content !== null
        ? { kind: r.message_kind as MessageKind, content: typeof r.message_content === 'string' ? (JSON.parse(r.message_content) as unknown) : r.message_content }
        : null,
    count: r.message_count,
    createdAt: r.created_at,
    readAt: r.read_at,
  };
}

export function toPush(r: PushRow): PushSubscriptionRecord {
  return { endpoint: r.endpoint, userId: r.user_id as UserId, p256dh: r.p256dh, auth: r.auth, createdAt: r.created_at };
}

/** The message a send stores, as both adapters return it: content as given, never looked into. */
export function newMessage(input: SendInput, seq: number, attachments: readonly MessageAttachment[] | null | undefined): Message {
  return {
    id: input.messageId,
    conversationId: input.conversationId,
    seq,
    senderId: input.senderId,
    clientMessageId: input.clientMessageId,
    kind: input.kind,
    content: input.content,
    replyTo: input.replyTo,
    threadRootId: input.threadRootId,
    targetId: input.targetId,
    createdAt: input.at,
    editedAt: null,
    deletedAt: null,
    ...(attachments?.length ? { attachments: [...attachments] } : {}),
  } as Message;
}
