/**
 * The notifications sub-port on PostgreSQL (see notifications-port.ts for the
 * guarantees). A notification locates its message by (conversation, seq, createdAt),
 * so the preview join prunes to one monthly partition.
 */
import type { ConversationId, UserId } from '@parley/protocol';
import type { AudienceRecord, NewNotification, NotificationsStore } from '../notifications-port';
import { StoreError, type TimeCursor } from '../port';
import { transaction, type Db, type Sql } from './db';
import { guarded } from './errors';
import { toNotification, toPush, type NotificationRow, type PushRow } from '../rows-common';

const str = (v: number | string | null | undefined): string | null => (v === null || v === undefined ? null : String(v));

/**
 * The queries whose cost must not grow with a user's notifications (their plans are
 * checked in postgres-notification-plans.test.ts): by primary key, one page of the
 * user's slice of notifications_by_user_idx / notifications_unread_by_time_idx from the
 * cursor, at most `cap` unread entries. Built lazily: nothing runs until awaited.
 */
export function notificationQueries(sql: Db) {
  // Title and message only while the owner is still a member; a hidden or deleted message
  // has none, nor one before where the member's reading starts (a member added again).
  const unseen = sql.unsafe('me.user_id IS NULL OR m.id IS NULL OR m.seq < me.visible_from_seq OR m.deleted_at IS NOT NULL OR h.message_id IS NOT NULL');
  const select = (from = sql`notifications n`) => sql`
    SELECT n.id, n.user_id, n.kind, n.conversation_id, c.kind AS conversation_kind,
      CASE WHEN me.user_id IS NULL THEN NULL ELSE c.title END AS conversation_title,
      n.actor_id, u.username AS actor_username, u.display_name AS actor_display_name, u.avatar_url AS actor_avatar_url,
      n.message_id, n.seq,
      CASE WHEN ${unseen} THEN NULL ELSE m.kind END AS message_kind,
      CASE WHEN ${unseen} THEN NULL ELSE m.content END AS message_content,
      n.message_count, n.created_at, n.read_at
    FROM ${from}
    JOIN conversations c ON c.id = n.conversation_id
    LEFT JOIN members me ON me.conversation_id = n.conversation_id AND me.user_id = n.user_id
    LEFT JOIN users u ON u.id = n.actor_id
    LEFT JOIN messages m ON n.message_id IS NOT NULL AND m.conversation_id = n.conversation_id AND m.seq = n.seq AND m.created_at = n.message_at
    LEFT JOIN hidden_messages h ON h.conversation_id = n.conversation_id AND h.message_id = n.message_id AND h.user_id = n.user_id`;

  return {
    // A message notification exists per (user, conversation): a later message updates it in
    // place. No id twice in one call (ON CONFLICT may change a row once per statement).
    upsert: (items: readonly NewNotification[]) => sql<{ id: string }[]>`
      INSERT INTO notifications (id, user_id, kind, conversation_id, message_id, seq, message_at, actor_id, created_at, message_count)
      SELECT x.id, x.user_id, x.kind, x.conversation_id, x.message_id, x.seq::bigint, x.message_at::bigint, x.actor_id, x.created_at::bigint, x.message_count::int
      FROM unnest(
        ${items.map((n) => n.id)}::text[], ${items.map((n) => n.userId as string)}::text[], ${items.map((n) => n.kind as string)}::text[],
        ${items.map((n) => n.conversationId as string)}::text[], ${items.map((n) => str(n.message?.id))}::text[], ${items.map((n) => str(n.message?.seq))}::text[],
        ${items.map((n) => str(n.message?.createdAt))}::text[], ${items.map((n) => str(n.actorId))}::text[], ${items.map((n) => String(n.at))}::text[],
        ${items.map((n) => String(n.count ?? 1))}::text[]
      ) AS x(id, user_id, kind, conversation_id, message_id, seq, message_at, actor_id, created_at, message_count)
      WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = x.user_id) AND EXISTS (SELECT 1 FROM conversations c WHERE c.id = x.conversation_id)
      -- Rows locked in one order on every node: two batches updating the same notifications cannot deadlock.
      ORDER BY x.id
      ON CONFLICT (id) DO UPDATE SET
        message_id = excluded.message_id, seq = excluded.seq, message_at = excluded.message_at, actor_id = excluded.actor_id, created_at = excluded.created_at,
        message_count = CASE WHEN notifications.read_at IS NULL THEN notifications.message_count + excluded.message_count ELSE excluded.message_count END,
        read_at = NULL
      WHERE excluded.seq > notifications.seq AND excluded.user_id = notifications.user_id
      RETURNING id`,
    // By primary key whatever the statistics say: with user_id beside it, a planner without
    // them walks the user's whole notifications_by_user_idx range testing each id.
    byIds: (userId: UserId, ids: readonly string[]) =>
      sql<NotificationRow[]>`WITH hit AS MATERIALIZED (SELECT * FROM notifications WHERE id = ANY(${[...ids]}::text[]))
        ${select(sql`hit n`)} WHERE n.user_id = ${userId} ORDER BY n.created_at DESC, n.id DESC`,
    page: ({ userId, limit, cursor, unreadOnly }: { userId: UserId; limit: number; cursor?: TimeCursor | undefined; unreadOnly: boolean }) =>
      sql<NotificationRow[]>`${select()}
        WHERE n.user_id = ${userId}
          ${unreadOnly ? sql`AND n.read_at IS NULL` : sql``}
          ${cursor ? sql`AND (n.created_at, n.id) < (${cursor.at}::bigint, ${cursor.id}::text)` : sql``}
        ORDER BY n.created_at DESC, n.id DESC
        LIMIT ${limit}`,
    // In index order, so the scan stops at the cap: unordered, the planner may build a bitmap of all of them first.
    countUnread: (userIds: readonly string[], cap: number) => sql<{ user_id: UserId; n: number }[]>`
      SELECT x.user_id, (SELECT count(*)::int FROM (
        SELECT 1 FROM notifications WHERE user_id = x.user_id AND read_at IS NULL ORDER BY created_at DESC, id DESC LIMIT ${cap}) t) AS n
      FROM unnest(${[...userIds]}::text[]) AS x(user_id)`,
  };
}

/** Items in rounds that name each id once, in order: the k-th item of an id goes in round k. */
function rounds(items: readonly NewNotification[]): NewNotification[][] {
  const out: NewNotification[][] = [];
  const seen = new Map<string, number>();
  for (const n of items) {
    const k = seen.get(n.id) ?? 0;
    seen.set(n.id, k + 1);
    (out[k] ??= []).push(n);
  }
  return out;
}

export function createPostgresNotifications(sql: Sql): NotificationsStore {
  const q = notificationQueries(sql);

  return {
    createNotifications: (items) =>
      guarded(async () => {
        if (items.length === 0) return [];
        const steps = rounds(items);
        const rows =
          steps.length === 1
            ? await q.upsert(items)
            : await transaction(sql, async (tx) => {
                const all: { id: string }[] = [];
                for (const step of steps) all.push(...(await notificationQueries(tx).upsert(step)));
                return all;
              });
        const changed = new Set(rows.map((r) => r.id));
        return [...new Set(items.map((n) => n.id))].filter((id) => changed.has(id));
      }),
    getNotifications: (userId, ids) =>
      guarded(async () => {
        if (ids.length === 0) return [];
        return (await q.byIds(userId, ids)).map(toNotification);
      }),
    listNotifications: (input) => guarded(async () => (await q.page(input)).map(toNotification)),
    unreadCounts: (userIds, cap) =>
      guarded(async () => {
        const out = new Map<UserId, number>();
        const ids = [...new Set(userIds)] as string[];
        if (ids.length === 0) return out;
        for (const r of await q.countUnread(ids, cap)) if (r.n > 0) out.set(r.user_id, r.n);
        return out;
      }),
    markRead: ({ userId, id, at }) =>
      guarded(async () => {
        const r = await sql`UPDATE notifications SET read_at = coalesce(read_at, ${at}::bigint) WHERE id = ${id} AND user_id = ${userId}`;
        return r.count > 0;
      }),
    markAllRead: ({ userId, conversationId, at }) =>
      guarded(async () => {
        const r = await sql`UPDATE notifications SET read_at = ${at}::bigint
          WHERE user_id = ${userId} AND read_at IS NULL ${conversationId === undefined ? sql`` : sql`AND conversation_id = ${conversationId}`}`;
        return r.count;
      }),

    setMuted: ({ conversationId, userId, muted }) =>
      guarded(async () => {
        const r = await sql`UPDATE members SET muted = ${muted} WHERE conversation_id = ${conversationId} AND user_id = ${userId}`;
        if (r.count > 0) return;
        const [c] = await sql`SELECT 1 FROM conversations WHERE id = ${conversationId}`;
        throw c ? new StoreError('NOT_MEMBER', 'not a member of the conversation') : new StoreError('NOT_FOUND', 'conversation not found');
      }),
    isMuted: (conversationId, userId) =>
      guarded(async () => {
        const [row] = await sql<{ muted: boolean }[]>`SELECT muted FROM members WHERE conversation_id = ${conversationId} AND user_id = ${userId}`;
        return row ? row.muted : null;
      }),
    audiences: (conversationIds, maxMembers) =>
      guarded(async () => {
        const out = new Map<ConversationId, AudienceRecord>();
        if (conversationIds.length === 0) return out;
        const ids = [...new Set(conversationIds)] as string[];
        const cs = await sql<{ id: ConversationId; kind: 'direct' | 'group'; title: string | null; member_count: number }[]>`
          SELECT id, kind, title, (SELECT count(*)::int FROM members WHERE conversation_id = c.id) AS member_count
          FROM conversations c WHERE c.id = ANY(${ids}::text[])`;
        for (const c of cs) out.set(c.id, { kind: c.kind, title: c.title, memberCount: c.member_count, members: c.member_count > maxMembers ? null : [] });
        const small = cs.filter((c) => c.member_count <= maxMembers).map((c) => c.id as string);
        if (small.length === 0) return out;
        const rows = await sql<{ conversation_id: ConversationId; user_id: UserId; username: string; display_name: string; muted: boolean; visible_from_seq: number }[]>`
          SELECT me.conversation_id, me.user_id, u.username, u.display_name, me.muted, me.visible_from_seq
          FROM members me JOIN users u ON u.id = me.user_id WHERE me.conversation_id = ANY(${small}::text[])`;
        for (const m of rows) {
          out.get(m.conversation_id)?.members?.push({ userId: m.user_id, username: m.username, displayName: m.display_name, muted: m.muted, visibleFromSeq: m.visible_from_seq });
        }
        return out;
      }),
    membersByUsername: (conversationId, usernames) =>
      guarded(async () => {
        if (usernames.length === 0) return [];
        const rows = await sql<{ user_id: UserId; username: string; muted: boolean; visible_from_seq: number }[]>`
          SELECT me.user_id, u.username, me.muted, me.visible_from_seq FROM members me JOIN users u ON u.id = me.user_id
          WHERE me.conversation_id = ${conversationId} AND u.username = ANY(${[...usernames]}::text[])`;
        return rows.map((m) => ({ userId: m.user_id, username: m.username, muted: m.muted, visibleFromSeq: m.visible_from_seq }));
      }),

    savePushSubscription: (s) =>
      guarded(async () => {
        const rows = await sql`
          INSERT INTO push_subscriptions (endpoint, user_id, p256dh, auth, created_at)
          SELECT ${s.endpoint}, ${s.userId}, ${s.p256dh}, ${s.auth}, ${s.createdAt}::bigint WHERE EXISTS (SELECT 1 FROM users WHERE id = ${s.userId})
          ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth, created_at = excluded.created_at
          RETURNING endpoint`;
        if (rows.length === 0) throw new StoreError('NOT_FOUND', 'user not found');
      }),
    deletePushSubscription: ({ userId, endpoint }) =>
      guarded(async () => (await sql`DELETE FROM push_subscriptions WHERE user_id = ${userId} AND endpoint = ${endpoint}`).count > 0),
    deletePushEndpoint: (endpoint) =>
      guarded(async () => {
        await sql`DELETE FROM push_subscriptions WHERE endpoint = ${endpoint}`;
      }),
    pushSubscriptionsOf: (userIds) =>
      guarded(async () => {
        if (userIds.length === 0) return [];
        const rows = await sql<PushRow[]>`SELECT * FROM push_subscriptions WHERE user_id = ANY(${[...userIds] as string[]}::text[]) ORDER BY user_id, created_at`;
        return rows.map(toPush);
      }),
  };
}
