/**
 * The SQLite notifications statements with 10,000 notifications for one user (half of
 * them read) among others': each starts at a point of an index and reads a bounded part
 * of it (EXPLAIN QUERY PLAN), with and without planner statistics (ANALYZE), so no call
 * costs more as a user's notifications accumulate.
 */
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateSqlite } from './migrations';
import { NOTIFICATION_STATEMENTS } from './notifications';

const MANY = 10_000;

function seeded(analyze: boolean): Database.Database {
  const db = new Database(':memory:');
  migrateSqlite(db);
  db.exec(`
    WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 20)
    INSERT INTO users (id, username, display_name, password_hash, created_at) SELECT 'u' || i, 'u' || i, 'U', 'h', 1 FROM k;
    WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 100)
    INSERT INTO conversations (id, kind, created_at, updated_at) SELECT 'c' || i, 'group', 1, 1 FROM k;
    WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ${MANY})
    INSERT INTO notifications (id, user_id, kind, conversation_id, message_id, seq, message_at, actor_id, created_at, read_at)
      SELECT 'n' || i, 'u1', 'mention', 'c' || (i % 100 + 1), 'm' || i, i, i, 'u2', i, CASE WHEN i % 2 = 0 THEN i + 1 END FROM k;
    WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 5000)
    INSERT INTO notifications (id, user_id, kind, conversation_id, message_id, seq, message_at, actor_id, created_at, read_at)
      SELECT 'o' || i, 'u' || (i % 19 + 2), 'mention', 'c' || (i % 100 + 1), 'm' || i, i, i, 'u1', i, NULL FROM k;
  `);
  if (analyze) db.exec('ANALYZE');
  return db;
}

const PARAMS: Record<string, unknown> = { userId: 'u1', ids: JSON.stringify(['n77', 'n4242']), chars: 20, at: 5000, cid: 'n5000', limit: 21, cap: 100, id: 'n77', conversationId: 'c7' };

/** Only the parameters a statement names (better-sqlite3 refuses missing ones). */
function paramsOf(sql: string): Record<string, unknown> {
  const names = new Set([...sql.matchAll(/@(\w+)/g)].map((m) => m[1]));
  return Object.fromEntries(Object.entries(PARAMS).filter(([k]) => names.has(k)));
}

describe.each([false, true])('SQLite notification statements at 10,000 notifications of one user (ANALYZE: %s)', (analyze) => {
  const db = seeded(analyze);
  afterAll(() => db.close());
  const S = NOTIFICATION_STATEMENTS;
  const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(paramsOf(sql)) as { detail: string }[]).map((r) => r.detail);

  it('by id: the ids drive the lookup through the primary key', () => {
    const steps = plan(S.byIds);
    expect(steps[0]).toMatch(/^SCAN j VIRTUAL TABLE/);
    expect(steps).toContain('SEARCH n USING INDEX sqlite_autoindex_notifications_1 (id=?)');
    expect(steps.join('\n')).not.toMatch(/notifications_by_user/);
    expect((db.prepare(S.byIds).all(paramsOf(S.byIds)) as { id: string }[]).map((r) => r.id)).toEqual(['n4242', 'n77']);
  });

  it('a page (all or unread) starts at the cursor in the user slice of an index already in order', () => {
    for (const [sql, index] of [[S.page, 'notifications_by_user'], [S.unreadPage, 'notifications_unread_by_time']] as const) {
      const steps = plan(sql);
      expect(steps[0]).toBe(`SEARCH n USING INDEX ${index} (user_id=? AND (created_at,id)<(?,?))`);
      expect(steps.join('\n')).not.toMatch(/TEMP B-TREE|SCAN n/);
    }
    const unread = db.prepare(S.unreadPage).all(paramsOf(S.unreadPage)) as { id: string; read_at: number | null }[];
    expect(unread.map((r) => r.id)).toEqual(Array.from({ length: 21 }, (_, i) => `n${4999 - 2 * i}`));
  });

  it('the unread count reads at most `cap` entries of a partial index of unread ones', () => {
    expect(plan(S.countUnread).join('\n')).toMatch(/SEARCH notifications USING (COVERING )?INDEX notifications_unread(_by_time)? \(user_id=\?\)/);
    expect(db.prepare(S.countUnread).get(paramsOf(S.countUnread))).toEqual({ n: 100 });
  });

  it('marking read finds the row by primary key, or the unread ones (of a conversation) by a partial index', () => {
    expect(plan(S.markOne)).toEqual(['SEARCH notifications USING INDEX sqlite_autoindex_notifications_1 (id=?)']);
    expect(plan(S.markAllIn)).toEqual(['SEARCH notifications USING INDEX notifications_unread (user_id=? AND conversation_id=?)']);
    expect(plan(S.markAll).join('\n')).toMatch(/USING INDEX notifications_unread(_by_time)? \(user_id=\?\)/);
  });
});
