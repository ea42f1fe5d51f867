import { afterAll, describe, expect, it } from 'vitest';
import { connect, type Sql } from './db';
import { LATEST_VERSION, MIGRATIONS, appliedMigrations, migratePostgres } from './migrations';
import { TEST_DATABASE_URL, describeWithPostgres, postgresReachable, scratchSchema } from './test-support';
import { messageNotificationId } from '../../domain/notifications/decider';
import type { ConversationId, UserId } from '@parley/protocol';

const reachable = await postgresReachable();

/** Columns, indexes and constraints of the schema, with the schema name taken out. */
async function snapshot(sql: Sql, schema: string) {
  const columns = await sql`
    SELECT table_name, column_name, ordinal_position, data_type, is_nullable, column_default, collation_name, is_identity
    FROM information_schema.columns WHERE table_schema = ${schema}
    ORDER BY table_name, ordinal_position
  `;
  const indexes = await sql<{ tablename: string; indexname: string; indexdef: string }[]>`
    SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = ${schema} ORDER BY tablename, indexname
  `;
  const constraints = await sql`
    SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def
    FROM pg_constraint WHERE connamespace = ${schema}::regnamespace
    ORDER BY 1, 2
  `;
  const partitioned = await sql`
    SELECT c.relname, pg_get_partkeydef(c.oid) AS key
    FROM pg_class c WHERE c.relnamespace = ${schema}::regnamespace AND c.relkind = 'p' ORDER BY 1
  `;
  const strip = (s: string) => s.split(`${schema}.`).join('');
  return JSON.parse(
    strip(JSON.stringify({ columns: [...columns], indexes: [...indexes], constraints: [...constraints], partitioned: [...partitioned] })),
  ) as { columns: unknown[]; indexes: { indexname: string }[]; constraints: unknown[]; partitioned: unknown[] };
}

describeWithPostgres('postgres migrations', reachable, () => {
  describe('postgres migrations', () => {
    const drops: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const drop of drops) await drop();
    });
    async function scratch() {
      const s = await scratchSchema('parley_mig');
      drops.push(s.drop);
      return s;
    }

    it('has strictly increasing versions', () => {
      const versions = MIGRATIONS.map((m) => m.version);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      expect(new Set(versions).size).toBe(versions.length);
      expect(LATEST_VERSION).toBe(versions[versions.length - 1]);
    });

    it('ends with the same schema whether applied at once or step by step', async () => {
      const once = await scratch();
      expect(await appliedMigrations(once.sql)).toEqual([]);
      expect(await migratePostgres(once.sql)).toEqual(MIGRATIONS.map((m) => m.version));

      const stepwise = await scratch();
      for (const m of MIGRATIONS) {
        expect(await migratePostgres(stepwise.sql, { target: m.version })).toEqual([m.version]);
        expect(await appliedMigrations(stepwise.sql)).toEqual(MIGRATIONS.filter((x) => x.version <= m.version).map((x) => x.version));
      }

      const reference = await snapshot(once.sql, once.schema);
      // Guard against comparing two empty snapshots.
      expect(reference.partitioned).toHaveLength(1);
      expect(reference.indexes.map((i) => i.indexname)).toContain('messages_default_pkey');
      expect(await snapshot(stepwise.sql, stepwise.schema)).toEqual(reference);
    });

    it('is a no-op when run again', async () => {
      const s = await scratch();
      await migratePostgres(s.sql);
      const before = await snapshot(s.sql, s.schema);
      expect(await migratePostgres(s.sql)).toEqual([]);
      expect(await appliedMigrations(s.sql)).toEqual(MIGRATIONS.map((m) => m.version));
      expect(await snapshot(s.sql, s.schema)).toEqual(before);
    });

    it('version 14 releases the uploads of messages deleted before it, and only those', async () => {
      const s = await scratch();
      await migratePostgres(s.sql, { target: 12 });
      await s.sql.unsafe(`
        INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES ('u1', 'u1', 'U', 'h', 1);
        INSERT INTO conversations (id, kind, created_at, updated_at) VALUES ('c1', 'group', 1, 1);
        INSERT INTO messages (conversation_id, seq, id, sender_id, client_message_id, body, created_at, deleted_at)
          VALUES ('c1', 1, 'gone', 'u1', 'k1', '', 2, 5), ('c1', 2, 'live', 'u1', 'k2', 'hi', 3, NULL);
        INSERT INTO message_keys (sender_id, client_message_id, message_id, conversation_id, seq, created_at)
          VALUES ('u1', 'k1', 'gone', 'c1', 1, 2), ('u1', 'k2', 'live', 'c1', 2, 3);
        INSERT INTO attachments (id, owner_id, state, name, size, content_type, kind, conversation_id, message_id, created_at)
          VALUES ('a-gone', 'u1', 'ready', 'x', 1, 'x', 'file', 'c1', 'gone', 1),
                 ('a-live', 'u1', 'ready', 'x', 1, 'x', 'file', 'c1', 'live', 1),
                 ('a-free', 'u1', 'ready', 'x', 1, 'x', 'file', NULL, NULL, 1);
      `);
      expect(await migratePostgres(s.sql)).toEqual(MIGRATIONS.filter((m) => m.version > 12).map((m) => m.version));
      expect([...(await s.sql`SELECT id, conversation_id, message_id, released_at FROM attachments ORDER BY id`)]).toEqual([
        { id: 'a-free', conversation_id: null, message_id: null, released_at: null },
        { id: 'a-gone', conversation_id: null, message_id: null, released_at: 5 },
        { id: 'a-live', conversation_id: 'c1', message_id: 'live', released_at: null },
      ]);
    });

    it('version 16 drops external avatar URLs and keeps the ones Parley serves', async () => {
      const s = await scratch();
      await migratePostgres(s.sql, { target: 15 });
      await s.sql.unsafe(`
        INSERT INTO users (id, username, display_name, avatar_url, password_hash, created_at) VALUES
          ('u1', 'u1', 'U', 'https://tracker.example/pixel.gif?u=1', 'h', 1),
          ('u2', 'u2', 'U', '/api/avatars/u2/abcdefgh1234.webp', 'h', 1),
          ('u3', 'u3', 'U', NULL, 'h', 1);
      `);
      await migratePostgres(s.sql);
      expect([...(await s.sql`SELECT id, avatar_url FROM users ORDER BY id`)]).toEqual([
        { id: 'u1', avatar_url: null },
        { id: 'u2', avatar_url: '/api/avatars/u2/abcdefgh1234.webp' },
        { id: 'u3', avatar_url: null },
      ]);
    });

    it('version 18 keeps what everyone reads: existing conversations show all history, existing members read from the start', async () => {
      const s = await scratch();
      await migratePostgres(s.sql, { target: 17 });
      await s.sql.unsafe(`
        INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES ('u1', 'u1', 'U', 'h', 1), ('u2', 'u2', 'U', 'h', 1);
        INSERT INTO conversations (id, kind, created_at, updated_at, last_seq) VALUES ('g', 'group', 1, 1, 9);
        INSERT INTO members (conversation_id, user_id, role, joined_at) VALUES ('g', 'u1', 'owner', 1), ('g', 'u2', 'member', 8);
      `);
      expect(await migratePostgres(s.sql)).toEqual(MIGRATIONS.filter((m) => m.version > 17).map((m) => m.version));
      expect([...(await s.sql`SELECT id, history_visibility FROM conversations`)]).toEqual([{ id: 'g', history_visibility: 'all' }]);
      expect([...(await s.sql`SELECT user_id, visible_from_seq FROM members ORDER BY user_id`)]).toEqual([
        { user_id: 'u1', visible_from_seq: 1 },
        { user_id: 'u2', visible_from_seq: 1 },
      ]);
      await expect(s.sql`UPDATE conversations SET history_visibility = 'some'`).rejects.toThrow(/check/i);
    });

    it('version 20 keeps the newest message notification per user and conversation, counting the unread ones, under the id the decider gives it', async () => {
      const s = await scratch();
      await migratePostgres(s.sql, { target: 19 });
      await s.sql.unsafe(`
        INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES ('u1', 'u1', 'U', 'h', 1), ('u2', 'u2', 'U', 'h', 1), ('u3', 'u3', 'U', 'h', 1);
        INSERT INTO conversations (id, kind, created_at, updated_at) VALUES ('c1', 'group', 1, 1), ('c2', 'group', 1, 1);
        INSERT INTO notifications (id, user_id, kind, conversation_id, message_id, seq, message_at, actor_id, created_at, read_at) VALUES
          ('a', 'u2', 'message', 'c1', 'm1', 1, 10, 'u1', 10, 11),
          ('b', 'u2', 'message', 'c1', 'm2', 2, 20, 'u1', 20, NULL),
          ('c', 'u2', 'message', 'c1', 'm4', 4, 40, 'u3', 40, NULL),
          ('d', 'u2', 'mention', 'c1', 'm3', 3, 30, 'u1', 30, NULL),
          ('e', 'u2', 'message', 'c2', 'm5', 1, 5, 'u1', 5, 7),
          ('f', 'u2', 'message', 'c2', 'm6', 2, 6, 'u1', 6, 7),
          ('g', 'u3', 'message', 'c1', 'm2', 2, 20, 'u1', 20, NULL),
          ('h', 'u2', 'added', 'c2', NULL, NULL, NULL, 'u1', 1, NULL);
      `);
      expect(await migratePostgres(s.sql)).toEqual(MIGRATIONS.filter((m) => m.version > 19).map((m) => m.version));
      const id = (u: string, c: string) => messageNotificationId(u as UserId, c as ConversationId);
      expect([...(await s.sql`SELECT id, user_id, kind, conversation_id, message_id, actor_id, created_at, message_count, read_at FROM notifications ORDER BY user_id, kind, conversation_id`)]).toEqual([
        { id: 'h', user_id: 'u2', kind: 'added', conversation_id: 'c2', message_id: null, actor_id: 'u1', created_at: 1, message_count: 1, read_at: null },
        { id: 'd', user_id: 'u2', kind: 'mention', conversation_id: 'c1', message_id: 'm3', actor_id: 'u1', created_at: 30, message_count: 1, read_at: null },
        // The newest of c1, unread, standing for the two unread ones.
        { id: id('u2', 'c1'), user_id: 'u2', kind: 'message', conversation_id: 'c1', message_id: 'm4', actor_id: 'u3', created_at: 40, message_count: 2, read_at: null },
        // All read: the newest, still read.
        { id: id('u2', 'c2'), user_id: 'u2', kind: 'message', conversation_id: 'c2', message_id: 'm6', actor_id: 'u1', created_at: 6, message_count: 1, read_at: 7 },
        { id: id('u3', 'c1'), user_id: 'u3', kind: 'message', conversation_id: 'c1', message_id: 'm2', actor_id: 'u1', created_at: 20, message_count: 1, read_at: null },
      ]);
    });

    it('migrates once when several nodes start together', async () => {
      const s = await scratch();
      // Separate pools stand for separate processes.
      const nodes = await Promise.all([0, 1, 2].map(() => scratchSchemaPool(s.schema)));
      try {
        const applied = await Promise.all(nodes.map((sql) => migratePostgres(sql)));
        expect(applied.flat().sort((a, b) => a - b)).toEqual(MIGRATIONS.map((m) => m.version));
        expect(await appliedMigrations(s.sql)).toEqual(MIGRATIONS.map((m) => m.version));
      } finally {
        await Promise.all(nodes.map((sql) => sql.end({ timeout: 1 })));
      }
    });
  });
});

async function scratchSchemaPool(schema: string): Promise<Sql> {
  return connect({ url: TEST_DATABASE_URL, max: 1, schema });
}
