/**
 * The PostgreSQL notifications queries with 10,000 notifications for one user (half of
 * them read) among others', statistics as autovacuum keeps them (ANALYZE): each starts
 * at a point of an index and reads a bounded part of it (EXPLAIN), so no call costs more
 * as a user's notifications accumulate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserId } from '@parley/protocol';
import { migratePostgres } from './migrations';
import { notificationQueries } from './notifications';
import { describeWithPostgres, postgresReachable, scratchSchema } from './test-support';
import type { Sql } from './db';

const reachable = await postgresReachable();
const MANY = 10_000;
const u1 = 'u1' as UserId;

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}
const flatten = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(flatten)];

describeWithPostgres('postgres notification plans', reachable, () => {
  describe('PostgreSQL notification queries at 10,000 notifications of one user', () => {
    let sql: Sql;
    let drop: () => Promise<void>;
    let byIdsUnanalyzed: PlanNode[] = [];
    beforeAll(async () => {
      const s = await scratchSchema('parley_ntfplan');
      [sql, drop] = [s.sql, s.drop];
      await migratePostgres(sql);
      await sql`INSERT INTO users (id, username, display_name, password_hash, created_at) SELECT 'u' || i, 'u' || i, 'U', 'h', 1 FROM generate_series(1, 20) i`;
      await sql`INSERT INTO conversations (id, kind, created_at, updated_at) SELECT 'c' || i, 'group', 1, 1 FROM generate_series(1, 100) i`;
      await sql`INSERT INTO notifications (id, user_id, kind, conversation_id, message_id, seq, message_at, actor_id, created_at, read_at)
        SELECT 'n' || i, 'u1', 'mention', 'c' || (i % 100 + 1), 'm' || i, i, i, 'u2', i, CASE WHEN i % 2 = 0 THEN i + 1 END FROM generate_series(1, ${MANY}) i`;
      await sql`INSERT INTO notifications (id, user_id, kind, conversation_id, message_id, seq, message_at, actor_id, created_at, read_at)
        SELECT 'o' || i, 'u' || (i % 19 + 2), 'mention', 'c' || (i % 100 + 1), 'm' || i, i, i, 'u1', i, NULL FROM generate_series(1, 5000) i`;
      byIdsUnanalyzed = await plan(notificationQueries(sql).byIds(u1, ['n77', 'n4242']));
      await sql`ANALYZE`;
    });
    afterAll(async () => drop?.());

    const plan = async (query: unknown): Promise<PlanNode[]> => {
      const [row] = await sql<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>`EXPLAIN (FORMAT JSON) ${query as ReturnType<Sql>}`;
      return flatten(row!['QUERY PLAN'][0].Plan);
    };
    const indexesOn = (nodes: PlanNode[], table: string) => nodes.filter((n) => n['Relation Name'] === table || n['Index Name']?.startsWith(`${table}_`)).map((n) => `${n['Node Type']} ${n['Index Name'] ?? ''}`.trim());

    it('by id: the primary key, whatever the statistics', async () => {
      const q = notificationQueries(sql);
      for (const nodes of [byIdsUnanalyzed, await plan(q.byIds(u1, ['n77', 'n4242']))]) {
        const used = nodes.filter((n) => n['Index Name']?.startsWith('notifications')).map((n) => n['Index Name']);
        expect(used).toEqual(['notifications_pkey']);
        expect(nodes.filter((n) => n['Relation Name'] === 'notifications' && !n['Index Name']).map((n) => n['Node Type'])).not.toContain('Seq Scan');
      }
      expect((await q.byIds(u1, ['n77', 'n4242', 'o5'])).map((r) => r.id)).toEqual(['n4242', 'n77']);
    });

    it('a page (all or unread, first or at a cursor) walks an index already in order, from the cursor', async () => {
      const q = notificationQueries(sql);
      const cases = [
        [{ unreadOnly: false }, 'notifications_by_user_idx'],
        [{ unreadOnly: false, cursor: { at: 5000, id: 'n5000' } }, 'notifications_by_user_idx'],
        [{ unreadOnly: true }, 'notifications_unread_by_time_idx'],
        [{ unreadOnly: true, cursor: { at: 5000, id: 'n5000' } }, 'notifications_unread_by_time_idx'],
      ] as const;
      for (const [input, index] of cases) {
        const nodes = await plan(q.page({ userId: u1, limit: 21, ...input }));
        expect(indexesOn(nodes, 'notifications'), JSON.stringify(input)).toEqual([`Index Scan ${index}`]);
        expect(nodes.map((n) => n['Node Type'])).not.toContain('Sort');
        if ('cursor' in input) expect(nodes.find((n) => n['Index Name'] === index)?.['Index Cond']).toMatch(/ROW\(created_at, id\) < ROW/);
      }
      const unread = await q.page({ userId: u1, limit: 21, unreadOnly: true, cursor: { at: 5000, id: 'n5000' } });
      expect(unread.map((r) => r.id)).toEqual(Array.from({ length: 21 }, (_, i) => `n${4999 - 2 * i}`));
    });

    it('the unread count reads at most `cap` entries of the unread ones, in index order (no bitmap of them all)', async () => {
      const q = notificationQueries(sql);
      const nodes = await plan(q.countUnread([u1], 100));
      expect(indexesOn(nodes, 'notifications')).toEqual(['Index Only Scan notifications_unread_by_time_idx']);
      expect(await q.countUnread([u1], 100)).toEqual([{ user_id: u1, n: 100 }]);
    });
  });
});
