/**
 * Creating conversations and changing membership. Every check runs inside the write
 * transaction that appends the event, so a decision is never made on stale state.
 */
import type { ConversationEvent, ConversationId, UserId } from '@parley/protocol';
import { StoreError, type MemberRecord } from '../port';
import { CONVERSATION_COLUMNS, MEMBER_COLUMNS, type SqliteContext, type SyncStore } from './context';
import { forbidden, notFound } from './errors';
import { toConversation, toMember, type ConversationRow, type MemberRow } from './rows';

type ConversationMethods = Pick<
  SyncStore,
  | 'getOrCreateDirect'
  | 'createGroup'
  | 'getConversation'
  | 'getMember'
  | 'listMembers'
  | 'listConversationIds'
  | 'presenceConversationIds'
  | 'renameGroup'
  | 'addMembers'
  | 'removeMember'
  | 'setMemberRole'
>;

/** One direct conversation per unordered pair, enforced by a unique key. */
export function directKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

const isManager = (m: MemberRecord) => m.role === 'owner' || m.role === 'admin';

export function conversationMethods(ctx: SqliteContext): ConversationMethods {
  const { db } = ctx;
  const insertConversation = db.prepare(
    'INSERT INTO conversations (id, kind, title, direct_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const byDirectKey = db.prepare(`SELECT ${CONVERSATION_COLUMNS} FROM conversations c WHERE c.direct_key = ?`);
  const insertMember = db.prepare('INSERT INTO members (conversation_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)');
  const deleteMember = db.prepare('DELETE FROM members WHERE conversation_id = ? AND user_id = ?');
  const setRole = db.prepare('UPDATE members SET role = ? WHERE conversation_id = ? AND user_id = ?');
  const setTitle = db.prepare('UPDATE conversations SET title = ? WHERE id = ?');
  const countMembers = db.prepare('SELECT count(*) AS n FROM members WHERE conversation_id = ?');
  const membersOf = db.prepare(`SELECT ${MEMBER_COLUMNS} FROM members me WHERE me.conversation_id = ? ORDER BY me.joined_at, me.rowid`);
  const idsOfUser = db.prepare('SELECT conversation_id FROM members WHERE user_id = ?');
  // A group is small when it has no (groupMax+1)-th member: at most groupMax+1 index
  // entries are read per group, however big it is, instead of counting all its members.
  const presenceIdsOfUser = db.prepare(`
    SELECT m.conversation_id FROM members m JOIN conversations c ON c.id = m.conversation_id
    WHERE m.user_id = ?
      AND (c.kind = 'direct' OR NOT EXISTS (SELECT 1 FROM members x WHERE x.conversation_id = m.conversation_id LIMIT 1 OFFSET ?))`);
  // Ownership hand-over: the oldest admin, else the oldest member (rowid = join order).
  const successor = db.prepare(
    "SELECT user_id FROM members WHERE conversation_id = ? ORDER BY CASE role WHEN 'admin' THEN 0 ELSE 1 END, joined_at, rowid LIMIT 1",
  );

  const addMember = (conversationId: ConversationId, actorId: UserId, userId: UserId, role: 'owner' | 'member', at: number) => {
    const user = ctx.requirePublicUser(userId);
    insertMember.run(conversationId, userId, role, at);
    return ctx.appendEvent(conversationId, actorId, at, { type: 'member.added', userId, role, user });
  };

  /** Membership + group + owner/admin checks shared by group changes. */
  const requireGroupManager = (conversationId: ConversationId, actorId: UserId) => {
    const found = ctx.requireMembership(conversationId, actorId);
    if (found.conversation.kind !== 'group') throw forbidden('not a group');
    if (!isManager(found.member)) throw forbidden('owner or admin only');
    return found;
  };

  return {
    getOrCreateDirect({ id, a, b, at }) {
      return ctx.write(() => {
        const key = directKey(a, b);
        const existing = byDirectKey.get(key) as ConversationRow | undefined;
        if (existing) return { conversation: toConversation(existing), created: false, events: [] };
        const userA = ctx.requirePublicUser(a);
        const userB = ctx.requirePublicUser(b);
        insertConversation.run(id, 'direct', null, key, at, at);
        const events: ConversationEvent[] = [
          ctx.appendEvent(id, a, at, { type: 'conversation.created', kind: 'direct', title: null }),
        ];
        insertMember.run(id, a, 'member', at);
        events.push(ctx.appendEvent(id, a, at, { type: 'member.added', userId: a, role: 'member', user: userA }));
        insertMember.run(id, b, 'member', at);
        events.push(ctx.appendEvent(id, a, at, { type: 'member.added', userId: b, role: 'member', user: userB }));
        return { conversation: ctx.getConversation(id)!, created: true, events };
      });
    },

    createGroup({ id, ownerId, title, memberIds, maxMembers, at }) {
      return ctx.write(() => {
        const others = [...new Set(memberIds)].filter((m) => m !== ownerId);
        // Validate everything before the first write: a failed create leaves no trace.
        ctx.requirePublicUser(ownerId);
        for (const m of others) ctx.requirePublicUser(m);
        if (1 + others.length > maxMembers) throw new StoreError('LIMIT_EXCEEDED', 'too many members');
        insertConversation.run(id, 'group', title, null, at, at);
        const events: ConversationEvent[] = [ctx.appendEvent(id, ownerId, at, { type: 'conversation.created', kind: 'group', title })];
        events.push(addMember(id, ownerId, ownerId, 'owner', at));
        for (const m of others) events.push(addMember(id, ownerId, m, 'member', at));
        return { conversation: ctx.getConversation(id)!, events };
      });
    },

    getConversation: (id) => ctx.getConversation(id),
    getMember: (conversationId, userId) => ctx.getMember(conversationId, userId),
    listMembers(conversationId) {
      return (membersOf.all(conversationId) as MemberRow[]).map(toMember);
    },
    listConversationIds(userId) {
      return (idsOfUser.all(userId) as { conversation_id: string }[]).map((r) => r.conversation_id as ConversationId);
    },
    presenceConversationIds(userId, groupMax) {
      return (presenceIdsOfUser.all(userId, groupMax) as { conversation_id: string }[]).map((r) => r.conversation_id as ConversationId);
    },

    renameGroup({ conversationId, actorId, title, at }) {
      return ctx.write(() => {
        requireGroupManager(conversationId, actorId);
        setTitle.run(title, conversationId);
        return [ctx.appendEvent(conversationId, actorId, at, { type: 'conversation.renamed', title })];
      });
    },

    addMembers({ conversationId, actorId, userIds, maxMembers, at }) {
      return ctx.write(() => {
        requireGroupManager(conversationId, actorId);
        const wanted = [...new Set(userIds)];
        for (const userId of wanted) ctx.requirePublicUser(userId);
        // All or nothing (bad input changes nothing): one member among them refuses the lot.
        if (wanted.some((userId) => ctx.getMember(conversationId, userId))) throw new StoreError('CONFLICT', 'already a member');
        if (wanted.length === 0) return [];
        const { n } = countMembers.get(conversationId) as { n: number };
        if (n + wanted.length > maxMembers) throw new StoreError('LIMIT_EXCEEDED', 'too many members');
        return wanted.map((userId) => addMember(conversationId, actorId, userId, 'member', at));
      });
    },

    removeMember({ conversationId, actorId, userId, at }) {
      return ctx.write(() => {
        const { conversation, member: actor } = ctx.requireMembership(conversationId, actorId);
        if (conversation.kind !== 'group') throw forbidden('cannot leave or remove in a direct conversation');
        if (actorId === userId) {
          deleteMember.run(conversationId, userId);
          const events = [ctx.appendEvent(conversationId, actorId, at, { type: 'member.left', userId })];
          if (actor.role === 'owner') {
            const next = successor.get(conversationId) as { user_id: UserId } | undefined;
            if (next) {
              setRole.run('owner', conversationId, next.user_id);
              events.push(ctx.appendEvent(conversationId, actorId, at, { type: 'member.role', userId: next.user_id, role: 'owner' }));
            }
          }
          return events;
        }
        if (!isManager(actor)) throw forbidden('owner or admin only');
        const target = ctx.getMember(conversationId, userId);
        if (!target) throw notFound('member');
        if (actor.role === 'admin' && target.role !== 'member') throw forbidden('admins may remove only members');
        deleteMember.run(conversationId, userId);
        return [ctx.appendEvent(conversationId, actorId, at, { type: 'member.removed', userId })];
      });
    },

    setMemberRole({ conversationId, actorId, userId, role, at }) {
      return ctx.write(() => {
        const { conversation, member: actor } = ctx.requireMembership(conversationId, actorId);
        if (conversation.kind !== 'group') throw forbidden('not a group');
        if (actor.role !== 'owner') throw forbidden('owner only');
        const target = ctx.getMember(conversationId, userId);
        if (!target) throw notFound('member');
        if (target.role === 'owner') throw forbidden('cannot change the owner role');
        if (target.role === role) return [];
        setRole.run(role, conversationId, userId);
        return [ctx.appendEvent(conversationId, actorId, at, { type: 'member.role', userId, role })];
      });
    },
  };
}
