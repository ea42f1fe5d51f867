/**
 * The notifications sub-port on SQLite: notifications, per-member mute and push
 * subscriptions (see notifications-port.ts for the guarantees).
 */
import type { ConversationId, UserId } from '@parley/protocol';
import type { AudienceRecord, NotificationsStore } from '../notifications-port';
import { StoreError } from '../port';
import type { SqliteContext } from './context';
import { toNotification, toPush, type NotificationRow, type PushRow } from '../rows-common';

// Title and message only while the owner is still a member; a hidden or deleted message has
// none, nor one before where the member's reading starts (a member added again).
const UNSEEN = 'me.user_id IS NULL OR m.id IS NULL OR m.seq < me.visible_from_seq OR m.deleted_at IS NOT NULL OR h.message_id IS NOT NULL';
const COLUMNS = `
  SELECT n.id, n.user_id, n.kind, n.conversation_id, c.kind AS conversation_kind,
    CASE WHEN me.user_id IS NULL THEN NULL ELSE c.title END AS conversation_title,
    n.actor_id, u.username AS actor_username, u.display_name AS actor_display_name, u.avatar_url AS actor_avatar_url,
    n.message_id, n.seq,
    CASE WHEN ${UNSEEN} THEN NULL ELSE m.kind END AS message_kind,
    CASE WHEN ${UNSEEN} THEN NULL ELSE m.content END AS message_content,
    n.message_count, n.created_at, n.read_at`;
const JOINS = `
  JOIN conversations c ON c.id = n.conversation_id
  LEFT JOIN members me ON me.conversation_id = n.conversation_id AND me.user_id = n.user_id
  LEFT JOIN users u ON u.id = n.actor_id
  LEFT JOIN messages m ON m.conversation_id = n.conversation_id AND m.seq = n.seq AND n.message_id IS NOT NULL
  LEFT JOIN hidden_messages h ON h.user_id = n.user_id AND h.message_id = n.message_id`;

/**
 * The statements whose cost must not grow with a user's notifications (their plans are
 * checked in sqlite-notification-plans.test.ts). Each walks an index from a point: the
 * primary key by id, or the user's slice of notifications_by_user /
 * notifications_unread_by_time from the cursor, or at most `cap` unread entries.
 */
export const NOTIFICATION_STATEMENTS = {
  // A message notification exists per (user, conversation): a later message updates it in place.
  upsert: `INSERT INTO notifications (id, user_id, kind, conversation_id, message_id, seq, message_at, actor_id, created_at, message_count)
    SELECT @id, @userId, @kind, @conversationId, @messageId, @seq, @messageAt, @actorId, @at, @count
    WHERE EXISTS (SELECT 1 FROM users WHERE id = @userId) AND EXISTS (SELECT 1 FROM conversations WHERE id = @conversationId)
    ON CONFLICT (id) DO UPDATE SET
      message_id = excluded.message_id, seq = excluded.seq, message_at = excluded.message_at, actor_id = excluded.actor_id, created_at = excluded.created_at,
      message_count = CASE WHEN read_at IS NULL THEN message_count + excluded.message_count ELSE excluded.message_count END,
      read_at = NULL
    WHERE excluded.seq > seq AND excluded.user_id = user_id`,
  // The ids drive the join (CROSS JOIN keeps that order): left to itself the planner walks
  // the user's whole notifications_by_user range and tests each id.
  byIds: `${COLUMNS} FROM json_each(@ids) j CROSS JOIN notifications n ON n.id = j.value ${JOINS}
    WHERE n.user_id = @userId ORDER BY n.created_at DESC, n.id DESC`,
  page: `${COLUMNS} FROM notifications n ${JOINS}
    WHERE n.user_id = @userId AND (n.created_at, n.id) < (@at, @cid)
    ORDER BY n.created_at DESC, n.id DESC LIMIT @limit`,
  unreadPage: `${COLUMNS} FROM notifications n ${JOINS}
    WHERE n.user_id = @userId AND n.read_at IS NULL AND (n.created_at, n.id) < (@at, @cid)
    ORDER BY n.created_at DESC, n.id DESC LIMIT @limit`,
  countUnread: 'SELECT count(*) AS n FROM (SELECT 1 FROM notifications WHERE user_id = @userId AND read_at IS NULL LIMIT @cap)',
  markOne: 'UPDATE notifications SET read_at = coalesce(read_at, @at) WHERE id = @id AND user_id = @userId',
  markAll: 'UPDATE notifications SET read_at = @at WHERE user_id = @userId AND read_at IS NULL',
  markAllIn: 'UPDATE notifications SET read_at = @at WHERE user_id = @userId AND conversation_id = @conversationId AND read_at IS NULL',
} as const;

export function createSqliteNotifications(ctx: SqliteContext): NotificationsStore {
  const { db } = ctx;
  const sqlOf = NOTIFICATION_STATEMENTS;
  const insert = db.prepare(sqlOf.upsert);
  const byIds = db.prepare(sqlOf.byIds);
  const page = db.prepare(sqlOf.page);
  const unreadPage = db.prepare(sqlOf.unreadPage);
  const countUnread = db.prepare(sqlOf.countUnread);
  const markOne = db.prepare(sqlOf.markOne);
  const markAll = db.prepare(sqlOf.markAll);
  const markAllIn = db.prepare(sqlOf.markAllIn);
  const setMuted = db.prepare('UPDATE members SET muted = ? WHERE conversation_id = ? AND user_id = ?');
  const getMuted = db.prepare('SELECT muted FROM members WHERE conversation_id = ? AND user_id = ?');
  const conversation = db.prepare('SELECT kind, title, (SELECT count(*) FROM members WHERE conversation_id = c.id) AS member_count FROM conversations c WHERE c.id = ?');
  const members = db.prepare('SELECT me.user_id, u.username, u.display_name, me.muted, me.visible_from_seq FROM members me JOIN users u ON u.id = me.user_id WHERE me.conversation_id = ?');
  const membersNamed = db.prepare(`SELECT me.user_id, u.username, me.muted, me.visible_from_seq FROM members me JOIN users u ON u.id = me.user_id
    WHERE me.conversation_id = ? AND u.username IN (SELECT value FROM json_each(?))`);
  const savePush = db.prepare(`INSERT INTO push_subscriptions (endpoint, user_id, p256dh, auth, created_at) VALUES (@endpoint, @userId, @p256dh, @auth, @createdAt)
    ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth, created_at = excluded.created_at`);
  const deletePush = db.prepare('DELETE FROM push_subscriptions WHERE user_id = ? AND endpoint = ?');
  const deleteEndpoint = db.prepare('DELETE FROM push_subscriptions WHERE endpoint = ?');
  const pushOf = db.prepare('SELECT * FROM push_subscriptions WHERE user_id IN (SELECT value FROM json_each(?)) ORDER BY user_id, created_at');
  const userExists = db.prepare('SELECT 1 FROM users WHERE id = ?');

  const guard = ctx.guard;

  return {
    createNotifications: (items) =>
      guard(() =>
        ctx.write(() => {
          const changed = new Set<string>();
          for (const n of items) {
            const r = insert.run({
              id: n.id,
              userId: n.userId,
              kind: n.kind,
              conversationId: n.conversationId,
              messageId: n.message?.id ?? null,
              seq: n.message?.seq ?? null,
              messageAt: n.message?.createdAt ?? null,
              actorId: n.actorId,
              at: n.at,
              count: n.count ?? 1,
            });
            if (r.changes > 0) changed.add(n.id);
          }
          return [...changed];
        }),
      ),
    getNotifications: (userId, ids) =>
      guard(() => (ids.length === 0 ? [] : (byIds.all({ userId, ids: JSON.stringify(ids) }) as NotificationRow[]).map(toNotification))),
    listNotifications: ({ userId, limit, cursor, unreadOnly }) =>
      guard(() =>
        (
          (unreadOnly ? unreadPage : page).all({
            userId,
            at: cursor?.at ?? Number.MAX_SAFE_INTEGER,
            cid: cursor?.id ?? '\uffff',
            limit,
          }) as NotificationRow[]
        ).map(toNotification),
      ),
    unreadCounts: (userIds, cap) =>
      guard(() =>
        ctx.read(() => {
          const out = new Map<UserId, number>();
          for (const id of new Set(userIds)) {
            const n = (countUnread.get({ userId: id, cap }) as { n: number }).n;
            if (n > 0) out.set(id, n);
          }
          return out;
        }),
      ),
    markRead: ({ userId, id, at }) => guard(() => markOne.run({ userId, id, at }).changes > 0),
    markAllRead: ({ userId, conversationId, at }) =>
      guard(() => (conversationId === undefined ? markAll.run({ userId, at }) : markAllIn.run({ userId, conversationId, at })).changes),

    setMuted: ({ conversationId, userId, muted }) =>
      guard(() =>
        ctx.write(() => {
          ctx.requireMembership(conversationId, userId);
          setMuted.run(muted ? 1 : 0, conversationId, userId);
        }),
      ),
    isMuted: (conversationId, userId) =>
      guard(() => {
        const row = getMuted.get(conversationId, userId) as { muted: number } | undefined;
        return row ? row.muted === 1 : null;
      }),
    audiences: (conversationIds, maxMembers) =>
      guard(() =>
        ctx.read(() => {
          // Point reads on the local connection: a loop costs what one query would.
          const out = new Map<ConversationId, AudienceRecord>();
          for (const conversationId of new Set(conversationIds)) {
            const c = conversation.get(conversationId) as { kind: 'direct' | 'group'; title: string | null; member_count: number } | undefined;
            if (!c) continue;
            const list =
              c.member_count > maxMembers
                ? null
                : (members.all(conversationId) as { user_id: string; username: string; display_name: string; muted: number; visible_from_seq: number }[]).map((m) => ({
                    userId: m.user_id as UserId,
                    username: m.username,
                    displayName: m.display_name,
                    muted: m.muted === 1,
                    visibleFromSeq: m.visible_from_seq,
                  }));
            out.set(conversationId, { kind: c.kind, title: c.title, memberCount: c.member_count, members: list });
          }
          return out;
        }),
      ),
    membersByUsername: (conversationId, usernames) =>
      guard(() =>
        usernames.length === 0
          ? []
          : (membersNamed.all(conversationId, JSON.stringify(usernames)) as { user_id: string; username: string; muted: number; visible_from_seq: number }[]).map((m) => ({
              userId: m.user_id as UserId,
              username: m.username,
              muted: m.muted === 1,
              visibleFromSeq: m.visible_from_seq,
            })),
      ),

    savePushSubscription: (sub) =>
      guard(() => {
        if (!userExists.get(sub.userId)) throw new StoreError('NOT_FOUND', 'user not found');
        savePush.run(sub);
      }),
    deletePushSubscription: ({ userId, endpoint }) => guard(() => deletePush.run(userId, endpoint).changes > 0),
    deletePushEndpoint: (endpoint) =>
      guard(() => {
        deleteEndpoint.run(endpoint);
      }),
    pushSubscriptionsOf: (userIds) => guard(() => (userIds.length === 0 ? [] : (pushOf.all(JSON.stringify(userIds)) as PushRow[]).map(toPush))),
  };
}
