/**
 * Row shapes both adapters read alike (the same snake_case columns), and their mapping to
 * port records. Flags arrive as 0/1 from SQLite and as booleans from PostgreSQL, so the
 * mappers accept either.
 */
import type { ConversationId, Role, UserId } from '@parley/protocol';
import type { ConversationRecord, MemberRecord, PublicUserRecord, RefreshTokenRecord } from './port';

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
}

export function toMember(r: MemberRow): MemberRecord {
  return {
    userId: r.user_id as UserId,
    role: r.role,
    deliveredSeq: r.delivered_seq,
    readSeq: r.read_seq,
    archived: r.archived === true || r.archived === 1,
    joinedAt: r.joined_at,
  };
}
