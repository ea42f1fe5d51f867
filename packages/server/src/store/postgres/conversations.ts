/** Conversations and membership changes; every change is appended to the event log. */
import type { ConversationEvent, ConversationId, HistoryVisibility, Role, UserId } from '@parley/protocol';
import { StoreError, type ConversationRecord, type MemberRecord, type PublicUserRecord } from '../port';
import type { Db, Sql, Tx } from './db';
import {
  CONVERSATION_COLUMNS,
  MEMBER_COLUMNS,
  appendEvents,
  findMember,
  lockConversation,
  requireMember,
  type EventDraft,
} from './event-log';
import { toConversation, toMember, toPublicUser, type ConversationRow, type MemberRow, type PublicUserRow } from './rows';
import { checkManage, chooseSuccessor, distinctUsers, newGroupMembers, planAdd, planRemoval, planRoleChange } from '../../domain/rules/group-roles';
import { newGroupVisibility, planVisibilityChange, visibleFromAtJoin } from '../../domain/rules/history-visibility';

/** The unique key of the direct conversation between two users, whichever comes first. */
export function directKey(a: UserId, b: UserId): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

/** Public users by id, in the order asked; NOT_FOUND if any is unknown. */
async function requireUsers(tx: Tx, ids: readonly UserId[]): Promise<PublicUserRecord[]> {
  if (ids.length === 0) return [];
  const rows = await tx<PublicUserRow[]>`
    SELECT id, username, display_name, avatar_url FROM users WHERE id = ANY(${[...ids]}::text[])
  `;
  const byId = new Map(rows.map((r) => [r.id, toPublicUser(r)]));
  return ids.map((id) => {
    const u = byId.get(id);
    if (!u) throw new StoreError('NOT_FOUND', 'user not found');
    return u;
  });
}

/** visibleFrom: where the new memberships' reading starts (visibleFromAtJoin). */
async function insertMembers(tx: Tx, conversationId: ConversationId, members: { userId: UserId; role: Role }[], at: number, visibleFrom: number): Promise<void> {
  if (members.length === 0) return;
  // WITH ORDINALITY keeps join_order in the given order.
  await tx`
    INSERT INTO members (conversation_id, user_id, role, joined_at, visible_from_seq)
    SELECT ${conversationId}, u, r, ${at}, ${visibleFrom}
    FROM unnest(${members.map((m) => m.userId)}::text[], ${members.map((m) => m.role)}::text[]) WITH ORDINALITY AS x(u, r, n)
    ORDER BY n
  `;
}

/** Members in join order (what chooseSuccessor expects). */
export async function listMembersOf(db: Db, conversationId: ConversationId): Promise<MemberRecord[]> {
  const rows = await db<MemberRow[]>`
    SELECT ${db.unsafe(MEMBER_COLUMNS)} FROM members WHERE conversation_id = ${conversationId} ORDER BY join_order
  `;
  return rows.map(toMember);
}

async function memberOrNull(db: Db, conversationId: ConversationId, userId: UserId): Promise<MemberRecord | null> {
  const row = await findMember(db, conversationId, userId);
  return row ? toMember(row) : null;
}

export function conversationQueries(sql: Sql) {
  async function findDirect(key: string): Promise<ConversationRow | undefined> {
    const [row] = await sql<ConversationRow[]>`
      SELECT ${sql.unsafe(CONVERSATION_COLUMNS)} FROM conversations WHERE direct_key = ${key}
    `;
    return row;
  }

  return {
    async getOrCreateDirect(input: { id: ConversationId; a: UserId; b: UserId; at: number }) {
      const key = directKey(input.a, input.b);
      const existing = await findDirect(key);
      if (existing) return { conversation: toConversation(existing), created: false, events: [] as ConversationEvent[] };
      const made = (await sql.begin(async (tx) => {
        const [ua, ub] = await requireUsers(tx, [input.a, input.b]);
        // A concurrent creator of the same pair wins the unique key; we then read its row.
        const [conv] = await tx<ConversationRow[]>`
          INSERT INTO conversations (id, kind, title, history_visibility, direct_key, created_at, updated_at)
          VALUES (${input.id}, 'direct', NULL, 'all', ${key}, ${input.at}, ${input.at})
          ON CONFLICT (direct_key) DO NOTHING
          RETURNING ${tx.unsafe(CONVERSATION_COLUMNS)}
        `;
        if (!conv) return null;
        const from = visibleFromAtJoin(toConversation(conv), 0);
        await insertMembers(tx, input.id, [{ userId: input.a, role: 'member' }, { userId: input.b, role: 'member' }], input.at, from);
        const base = { actorId: input.a, at: input.at };
        const events = await appendEvents(tx, conv, [
          { ...base, type: 'conversation.created', kind: 'direct', title: null },
          { ...base, type: 'member.added', userId: input.a, role: 'member', user: ua! },
          { ...base, type: 'member.added', userId: input.b, role: 'member', user: ub! },
        ]);
        return { conversation: toConversation(conv), created: true, events };
      })) as { conversation: ConversationRecord; created: boolean; events: ConversationEvent[] } | null;
      if (made) return made;
      const winner = await findDirect(key);
      if (!winner) throw new StoreError('CONFLICT', 'direct conversation vanished');
      return { conversation: toConversation(winner), created: false, events: [] as ConversationEvent[] };
    },

    async createGroup(input: { id: ConversationId; ownerId: UserId; title: string; memberIds: readonly UserId[]; maxMembers: number; historyVisibility?: HistoryVisibility; at: number }) {
      return (await sql.begin(async (tx) => {
        const found = new Map((await requireUsers(tx, [input.ownerId, ...distinctUsers(input.memberIds)])).map((u) => [u.id, u]));
        const others = newGroupMembers(input.ownerId, input.memberIds, input.maxMembers);
        const owner = found.get(input.ownerId);
        const users = others.map((id) => found.get(id)!);
        const [conv] = await tx<ConversationRow[]>`
          INSERT INTO conversations (id, kind, title, history_visibility, created_at, updated_at)
          VALUES (${input.id}, 'group', ${input.title}, ${newGroupVisibility(input.historyVisibility)}, ${input.at}, ${input.at})
          RETURNING ${tx.unsafe(CONVERSATION_COLUMNS)}
        `;
        const from = visibleFromAtJoin(toConversation(conv!), 0);
        await insertMembers(tx, input.id, [{ userId: input.ownerId, role: 'owner' }, ...others.map((userId) => ({ userId, role: 'member' as const }))], input.at, from);
        const base = { actorId: input.ownerId, at: input.at };
        const events = await appendEvents(tx, conv!, [
          { ...base, type: 'conversation.created', kind: 'group', title: input.title },
          { ...base, type: 'member.added', userId: input.ownerId, role: 'owner', user: owner! },
          ...users.map((user): EventDraft => ({ ...base, type: 'member.added', userId: user.id, role: 'member', user })),
        ]);
        return { conversation: toConversation(conv!), events };
      })) as { conversation: ConversationRecord; events: ConversationEvent[] };
    },

    async getConversation(id: ConversationId): Promise<ConversationRecord | null> {
      const [row] = await sql<ConversationRow[]>`SELECT ${sql.unsafe(CONVERSATION_COLUMNS)} FROM conversations WHERE id = ${id}`;
      return row ? toConversation(row) : null;
    },

    getMember: (conversationId: ConversationId, userId: UserId) => memberOrNull(sql, conversationId, userId),
    listMembers: (conversationId: ConversationId) => listMembersOf(sql, conversationId),

    async listConversationIds(userId: UserId): Promise<ConversationId[]> {
      const rows = await sql<{ conversation_id: string }[]>`
        SELECT conversation_id FROM members WHERE user_id = ${userId} ORDER BY conversation_id
      `;
      return rows.map((r) => r.conversation_id as ConversationId);
    },

    async presenceConversationIds(userId: UserId, groupMax: number): Promise<ConversationId[]> {
      // A group is small when it has no (groupMax+1)-th member: at most groupMax+1 entries
      // of the members key are read per group, however big it is.
      const rows = await sql<{ conversation_id: string }[]>`
        SELECT m.conversation_id FROM members m JOIN conversations c ON c.id = m.conversation_id
        WHERE m.user_id = ${userId}
          AND (c.kind = 'direct' OR NOT EXISTS (
            SELECT 1 FROM members x WHERE x.conversation_id = m.conversation_id LIMIT 1 OFFSET ${groupMax}
          ))
      `;
      return rows.map((r) => r.conversation_id as ConversationId);
    },

    async renameGroup(input: { conversationId: ConversationId; actorId: UserId; title: string; at: number }) {
      return (await sql.begin(async (tx) => {
        const conv = await lockConversation(tx, input.conversationId);
        checkManage(toConversation(conv), toMember(await requireMember(tx, input.conversationId, input.actorId)));
        await tx`UPDATE conversations SET title = ${input.title} WHERE id = ${input.conversationId}`;
        return appendEvents(tx, conv, [{ type: 'conversation.renamed', actorId: input.actorId, at: input.at, title: input.title }]);
      })) as ConversationEvent[];
    },

    async setHistoryVisibility(input: { conversationId: ConversationId; actorId: UserId; historyVisibility: HistoryVisibility; at: number }) {
      return (await sql.begin(async (tx) => {
        const conv = await lockConversation(tx, input.conversationId);
        const actor = toMember(await requireMember(tx, input.conversationId, input.actorId));
        if (planVisibilityChange(toConversation(conv), actor, input.historyVisibility) === 'noChange') return [];
        await tx`UPDATE conversations SET history_visibility = ${input.historyVisibility} WHERE id = ${input.conversationId}`;
        return appendEvents(tx, conv, [{ type: 'conversation.settings', actorId: input.actorId, at: input.at, historyVisibility: input.historyVisibility }]);
      })) as ConversationEvent[];
    },

    async addMembers(input: { conversationId: ConversationId; actorId: UserId; userIds: readonly UserId[]; maxMembers: number; at: number }) {
      return (await sql.begin(async (tx) => {
        const conv = await lockConversation(tx, input.conversationId);
        checkManage(toConversation(conv), toMember(await requireMember(tx, input.conversationId, input.actorId)));
        const users = await requireUsers(tx, distinctUsers(input.userIds));
        const current = await tx<{ user_id: string }[]>`SELECT user_id FROM members WHERE conversation_id = ${input.conversationId}`;
        const present = new Set(current.map((r) => r.user_id));
        const adding = new Set(planAdd({ userIds: input.userIds, isMember: (id) => present.has(id), memberCount: present.size, maxMembers: input.maxMembers }));
        const added = users.filter((u) => adding.has(u.id));
        // Under the conversation's lock: last_seq is the log's head before these joins.
        const from = visibleFromAtJoin(toConversation(conv), conv.last_seq);
        await insertMembers(tx, input.conversationId, added.map((u) => ({ userId: u.id, role: 'member' as const })), input.at, from);
        return appendEvents(
          tx,
          conv,
          added.map((user): EventDraft => ({ type: 'member.added', actorId: input.actorId, at: input.at, userId: user.id, role: 'member', user })),
        );
      })) as ConversationEvent[];
    },

    async removeMember(input: { conversationId: ConversationId; actorId: UserId; userId: UserId; at: number }) {
      return (await sql.begin(async (tx) => {
        const conv = await lockConversation(tx, input.conversationId);
        const actor = toMember(await requireMember(tx, input.conversationId, input.actorId));
        const plan = planRemoval(toConversation(conv), actor, await memberOrNull(tx, input.conversationId, input.userId));
        const base = { actorId: input.actorId, at: input.at };
        await tx`DELETE FROM members WHERE conversation_id = ${input.conversationId} AND user_id = ${input.userId}`;
        const drafts: EventDraft[] = [{ ...base, type: plan.event, userId: input.userId }];
        const heir = plan.handOver ? chooseSuccessor(await listMembersOf(tx, input.conversationId), input.userId) : null;
        if (heir) {
          await tx`UPDATE members SET role = 'owner' WHERE conversation_id = ${input.conversationId} AND user_id = ${heir.userId}`;
          drafts.push({ ...base, type: 'member.role', userId: heir.userId, role: 'owner' });
        }
        return appendEvents(tx, conv, drafts);
      })) as ConversationEvent[];
    },

    async setMemberRole(input: { conversationId: ConversationId; actorId: UserId; userId: UserId; role: 'admin' | 'member'; at: number }) {
      return (await sql.begin(async (tx) => {
        const conv = await lockConversation(tx, input.conversationId);
        const actor = toMember(await requireMember(tx, input.conversationId, input.actorId));
        const target = await memberOrNull(tx, input.conversationId, input.userId);
        if (planRoleChange(toConversation(conv), actor, target, input.role) === 'noChange') return [];
        await tx`UPDATE members SET role = ${input.role} WHERE conversation_id = ${input.conversationId} AND user_id = ${input.userId}`;
        return appendEvents(tx, conv, [{ type: 'member.role', actorId: input.actorId, at: input.at, userId: input.userId, role: input.role }]);
      })) as ConversationEvent[];
    },
  };
}
