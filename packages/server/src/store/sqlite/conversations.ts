/**
 * Creating conversations and changing membership. Every check runs inside the write
 * transaction that appends the event, so a decision is never made on stale state.
 */
import type { ConversationEvent, ConversationId, UserId } from '@parley/protocol';
import { CONVERSATION_COLUMNS, MEMBER_COLUMNS, type SqliteContext, type SyncStore } from './context';
import { toConversation, toMember, type ConversationRow, type MemberRow } from './rows';
import { checkManage, chooseSuccessor, distinctUsers, newGroupMembers, planAdd, planRemoval, planRoleChange } from '../../domain/rules/group-roles';
import { newGroupVisibility, planVisibilityChange, visibleFromAtJoin } from '../../domain/rules/history-visibility';

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
  | 'setHistoryVisibility'
>;

/** One direct conversation per unordered pair, enforced by a unique key. */
export function directKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

export function conversationMethods(ctx: SqliteContext): ConversationMethods {
  const { db } = ctx;
  const insertConversation = db.prepare(
    'INSERT INTO conversations (id, kind, title, history_visibility, direct_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const byDirectKey = db.prepare(`SELECT ${CONVERSATION_COLUMNS} FROM conversations c WHERE c.direct_key = ?`);
  const insertMember = db.prepare('INSERT INTO members (conversation_id, user_id, role, joined_at, visible_from_seq) VALUES (?, ?, ?, ?, ?)');
  const deleteMember = db.prepare('DELETE FROM members WHERE conversation_id = ? AND user_id = ?');
  const setRole = db.prepare('UPDATE members SET role = ? WHERE conversation_id = ? AND user_id = ?');
  const setTitle = db.prepare('UPDATE conversations SET title = ? WHERE id = ?');
  const setVisibility = db.prepare('UPDATE conversations SET history_visibility = ? WHERE id = ?');
  const countMembers = db.prepare('SELECT count(*) AS n FROM members WHERE conversation_id = ?');
  const membersOf = db.prepare(`SELECT ${MEMBER_COLUMNS} FROM members me WHERE me.conversation_id = ? ORDER BY me.joined_at, me.rowid`);
  const idsOfUser = db.prepare('SELECT conversation_id FROM members WHERE user_id = ?');
  // A group is small when it has no (groupMax+1)-th member: at most groupMax+1 index
  // entries are read per group, however big it is, instead of counting all its members.
  const presenceIdsOfUser = db.prepare(`
    SELECT m.conversation_id FROM members m JOIN conversations c ON c.id = m.conversation_id
    WHERE m.user_id = ?
      AND (c.kind = 'direct' OR NOT EXISTS (SELECT 1 FROM members x WHERE x.conversation_id = m.conversation_id LIMIT 1 OFFSET ?))`);

  const addMember = (conversationId: ConversationId, actorId: UserId, userId: UserId, role: 'owner' | 'member', at: number, visibleFrom: number) => {
    const user = ctx.requirePublicUser(userId);
    insertMember.run(conversationId, userId, role, at, visibleFrom);
    return ctx.appendEvent(conversationId, actorId, at, { type: 'member.added', userId, role, user });
  };

  const listMembers = (conversationId: ConversationId) => (membersOf.all(conversationId) as MemberRow[]).map(toMember);

  return {
    getOrCreateDirect({ id, a, b, at }) {
      return ctx.write(() => {
        const key = directKey(a, b);
        const existing = byDirectKey.get(key) as ConversationRow | undefined;
        if (existing) return { conversation: toConversation(existing), created: false, events: [] };
        const userA = ctx.requirePublicUser(a);
        const userB = ctx.requirePublicUser(b);
        insertConversation.run(id, 'direct', null, 'all', key, at, at);
        const events: ConversationEvent[] = [
          ctx.appendEvent(id, a, at, { type: 'conversation.created', kind: 'direct', title: null }),
        ];
        const from = visibleFromAtJoin({ kind: 'direct', historyVisibility: 'all' }, 0);
        insertMember.run(id, a, 'member', at, from);
        events.push(ctx.appendEvent(id, a, at, { type: 'member.added', userId: a, role: 'member', user: userA }));
        insertMember.run(id, b, 'member', at, from);
        events.push(ctx.appendEvent(id, a, at, { type: 'member.added', userId: b, role: 'member', user: userB }));
        return { conversation: ctx.getConversation(id)!, created: true, events };
      });
    },

    createGroup({ id, ownerId, title, memberIds, maxMembers, historyVisibility, at }) {
      return ctx.write(() => {
        // Validate everything before the first write: a failed create leaves no trace.
        for (const m of [ownerId, ...distinctUsers(memberIds)]) ctx.requirePublicUser(m);
        const others = newGroupMembers(ownerId, memberIds, maxMembers);
        const visibility = newGroupVisibility(historyVisibility);
        insertConversation.run(id, 'group', title, visibility, null, at, at);
        const events: ConversationEvent[] = [ctx.appendEvent(id, ownerId, at, { type: 'conversation.created', kind: 'group', title })];
        const from = visibleFromAtJoin({ kind: 'group', historyVisibility: visibility }, 0);
        events.push(addMember(id, ownerId, ownerId, 'owner', at, from));
        for (const m of others) events.push(addMember(id, ownerId, m, 'member', at, from));
        return { conversation: ctx.getConversation(id)!, events };
      });
    },

    getConversation: (id) => ctx.getConversation(id),
    getMember: (conversationId, userId) => ctx.getMember(conversationId, userId),
    listMembers,
    listConversationIds(userId) {
      return (idsOfUser.all(userId) as { conversation_id: string }[]).map((r) => r.conversation_id as ConversationId);
    },
    presenceConversationIds(userId, groupMax) {
      return (presenceIdsOfUser.all(userId, groupMax) as { conversation_id: string }[]).map((r) => r.conversation_id as ConversationId);
    },

    renameGroup({ conversationId, actorId, title, at }) {
      return ctx.write(() => {
        const { conversation, member } = ctx.requireMembership(conversationId, actorId);
        checkManage(conversation, member);
        setTitle.run(title, conversationId);
        return [ctx.appendEvent(conversationId, actorId, at, { type: 'conversation.renamed', title })];
      });
    },

    addMembers({ conversationId, actorId, userIds, maxMembers, at }) {
      return ctx.write(() => {
        const { conversation, member } = ctx.requireMembership(conversationId, actorId);
        checkManage(conversation, member);
        for (const userId of distinctUsers(userIds)) ctx.requirePublicUser(userId);
        const { n } = countMembers.get(conversationId) as { n: number };
        const wanted = planAdd({ userIds, isMember: (userId) => ctx.getMember(conversationId, userId) !== null, memberCount: n, maxMembers });
        const from = visibleFromAtJoin(conversation, conversation.lastSeq);
        return wanted.map((userId) => addMember(conversationId, actorId, userId, 'member', at, from));
      });
    },

    removeMember({ conversationId, actorId, userId, at }) {
      return ctx.write(() => {
        const { conversation, member: actor } = ctx.requireMembership(conversationId, actorId);
        const plan = planRemoval(conversation, actor, ctx.getMember(conversationId, userId));
        deleteMember.run(conversationId, userId);
        const events = [ctx.appendEvent(conversationId, actorId, at, { type: plan.event, userId })];
        const heir = plan.handOver ? chooseSuccessor(listMembers(conversationId), userId) : null;
        if (heir) {
          setRole.run('owner', conversationId, heir.userId);
          events.push(ctx.appendEvent(conversationId, actorId, at, { type: 'member.role', userId: heir.userId, role: 'owner' }));
        }
        return events;
      });
    },

    setHistoryVisibility({ conversationId, actorId, historyVisibility, at }) {
      return ctx.write(() => {
        const { conversation, member } = ctx.requireMembership(conversationId, actorId);
        if (planVisibilityChange(conversation, member, historyVisibility) === 'noChange') return [];
        setVisibility.run(historyVisibility, conversationId);
        return [ctx.appendEvent(conversationId, actorId, at, { type: 'conversation.settings', historyVisibility })];
      });
    },

    setMemberRole({ conversationId, actorId, userId, role, at }) {
      return ctx.write(() => {
        const { conversation, member: actor } = ctx.requireMembership(conversationId, actorId);
        if (planRoleChange(conversation, actor, ctx.getMember(conversationId, userId), role) === 'noChange') return [];
        setRole.run(role, conversationId, userId);
        return [ctx.appendEvent(conversationId, actorId, at, { type: 'member.role', userId, role })];
      });
    },
  };
}
