/** Maps store records to the wire shapes of @parley/protocol. */
import type { Conversation, Me, Member, PublicUser } from '@parley/protocol';
import type { ConversationView, MemberRecord, PublicUserRecord, UserRecord } from '../store/port';
import { sharedReadSeq } from './rules/watermarks';

export function publicUser(u: PublicUserRecord): PublicUser {
  return { id: u.id, username: u.username, displayName: u.displayName, avatarUrl: u.avatarUrl };
}

export function me(u: UserRecord): Me {
  return { ...publicUser(u), privacy: u.privacy, role: u.role, createdAt: u.createdAt };
}

function member(m: MemberRecord & { user: PublicUserRecord; readReceipts: boolean }): Member {
  return {
    user: publicUser(m.user),
    role: m.role,
    deliveredSeq: m.deliveredSeq,
    readSeq: sharedReadSeq(m.readSeq, m.readReceipts),
    joinedAt: m.joinedAt,
  };
}

export function conversation(v: ConversationView): Conversation {
  return {
    id: v.id,
    kind: v.kind,
    title: v.title,
    historyVisibility: v.historyVisibility,
    members: v.members.map(member),
    lastSeq: v.lastSeq,
    receiptsVersion: v.receiptsVersion,
    lastMessage: v.lastMessage,
    unreadCount: v.unreadCount,
    me: { role: v.me.role, readSeq: v.me.readSeq, deliveredSeq: v.me.deliveredSeq, archived: v.me.archived, visibleFromSeq: v.me.visibleFromSeq },
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
  };
}

/** Keyset cursors are opaque to clients: base64url of "time:id". */
export function encodeCursor(at: number, id: string): string {
  return Buffer.from(`${at}:${id}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): { at: number; id: string } | undefined | null {
  if (cursor === undefined) return undefined;
  const raw = Buffer.from(cursor, 'base64url').toString();
  const m = /^(\d{1,16}):([A-Za-z0-9_-]{1,64})$/.exec(raw);
  if (!m) return null;
  return { at: Number(m[1]), id: m[2]! };
}
