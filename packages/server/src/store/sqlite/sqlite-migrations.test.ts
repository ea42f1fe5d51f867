import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { applySqliteMigration, migrateSqlite, listAppliedMigrations, SQLITE_MIGRATIONS } from './migrations';
import { EVENT_IS_MESSAGE, EVENT_MESSAGE_ID } from './migrations/0006-privacy';
import { messageNotificationId } from '../../domain/notifications/decider';
import type { ConversationId, UserId } from '@parley/protocol';

/** Everything that makes up the schema, in a stable order (the runner's own bookkeeping table aside). */
function schemaOf(db: Database.Database): unknown[] {
  return db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY type, name").all();
}

/** An installation that stopped before `version`: every earlier step applied and recorded. */
function databaseBefore(version: number): Database.Database {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT');
  for (const m of SQLITE_MIGRATIONS.filter((x) => x.version < version)) {
    applySqliteMigration(db, m);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, 0);
  }
  return db;
}

/** Applies the steps after the last one recorded up to `through`, as the release that ended there did. */
function migrateThrough(db: Database.Database, through: number): number[] {
  const done = new Set(listAppliedMigrations(db));
  const steps = SQLITE_MIGRATIONS.filter((m) => !done.has(m.version) && m.version <= through);
  for (const m of steps) {
    db.exec(m.sql);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, 0);
  }
  return steps.map((m) => m.version);
}

describe('SQLite migrations', () => {
  it('a database upgraded from every earlier version ends with the same schema as a fresh one', () => {
    const fresh = new Database(':memory:');
    migrateSqlite(fresh);
    const expected = schemaOf(fresh);
    expect(listAppliedMigrations(fresh)).toEqual(SQLITE_MIGRATIONS.map((m) => m.version));

    for (let upTo = 1; upTo < SQLITE_MIGRATIONS.length; upTo++) {
      // An installation that stopped at an older release: only the first `upTo` steps applied...
      const old = new Database(':memory:');
      old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT');
      for (const m of SQLITE_MIGRATIONS.slice(0, upTo)) {
        applySqliteMigration(old, m);
        old.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, 0);
      }
      // ...then starts the current release.
      expect(migrateSqlite(old)).toEqual(SQLITE_MIGRATIONS.slice(upTo).map((m) => m.version));
      expect(schemaOf(old)).toEqual(expected);
      old.close();
    }
    fresh.close();
  });

  it('version 10 releases the uploads of messages deleted before it, and only those', () => {
    const db = databaseBefore(10);
    db.exec(`
      INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES ('u1', 'u1', 'U', 'h', 1);
      INSERT INTO conversations (id, kind, created_at, updated_at) VALUES ('c1', 'group', 1, 1);
      INSERT INTO messages (id, conversation_id, seq, sender_id, client_message_id, body, created_at, deleted_at)
        VALUES ('gone', 'c1', 1, 'u1', 'k1', '', 2, 5), ('live', 'c1', 2, 'u1', 'k2', 'hi', 3, NULL);
      INSERT INTO attachments (id, owner_id, state, name, size, content_type, kind, conversation_id, message_id, created_at)
        VALUES ('a-gone', 'u1', 'ready', 'x', 1, 'x', 'file', 'c1', 'gone', 1),
               ('a-live', 'u1', 'ready', 'x', 1, 'x', 'file', 'c1', 'live', 1),
               ('a-free', 'u1', 'ready', 'x', 1, 'x', 'file', NULL, NULL, 1);
    `);
    expect(migrateSqlite(db)).toEqual(SQLITE_MIGRATIONS.filter((x) => x.version >= 10).map((m) => m.version));
    expect(db.prepare('SELECT id, conversation_id, message_id, released_at FROM attachments ORDER BY id').all()).toEqual([
      { id: 'a-free', conversation_id: null, message_id: null, released_at: null },
      { id: 'a-gone', conversation_id: null, message_id: null, released_at: 5 },
      { id: 'a-live', conversation_id: 'c1', message_id: 'live', released_at: null },
    ]);
    db.close();
  });

  it('version 11 keeps every event as it was, in a rowid table whose log still reads by (conversation, seq)', () => {
    const db = databaseBefore(11);
    db.exec(`
      INSERT INTO conversations (id, kind, created_at, updated_at) VALUES ('c1', 'group', 1, 1), ('c2', 'group', 1, 1);
      INSERT INTO events (conversation_id, seq, type, actor_id, at, payload) VALUES
        ('c2', 1, 'message.created', 'u1', 10, '{"message":{"id":"m1","body":"one"}}'),
        ('c1', 1, 'conversation.created', 'u1', 5, '{}'),
        ('c1', 2, 'message.created', 'u1', 11, '{"message":{"id":"m2","body":"two"}}'),
        ('c1', 3, 'message.edited', 'u1', 12, '{"messageId":"m2","body":"2"}');
    `);
    const before = db.prepare('SELECT * FROM events ORDER BY conversation_id, seq').all();
    // Up to the release before typed content (16 rewrites message payloads: release-fixtures tests).
    expect(migrateThrough(db, 15)).toEqual(SQLITE_MIGRATIONS.filter((x) => x.version >= 11 && x.version <= 15).map((m) => m.version));
    expect(db.prepare('SELECT * FROM events ORDER BY conversation_id, seq').all()).toEqual(before);
    // A rowid table now (WITHOUT ROWID tables have no rowid column to select).
    expect(() => db.prepare('SELECT rowid FROM events').all()).not.toThrow();
    // One log entry per (conversation, seq), still enforced.
    expect(() => db.prepare("INSERT INTO events VALUES ('c1', 3, 'message.deleted', 'u1', 13, '{}')").run()).toThrow(/UNIQUE/);
    // The log is read through the (conversation, seq) index and erasure finds a message's entries by its index.
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('; ');
    expect(plan("SELECT * FROM events WHERE conversation_id = 'c1' AND seq > 1 ORDER BY seq LIMIT 10")).toMatch(/USING INDEX sqlite_autoindex_events/);
    expect(plan(`SELECT seq FROM events WHERE ${EVENT_MESSAGE_ID} = 'm2' AND ${EVENT_IS_MESSAGE}`)).toMatch(/USING INDEX events_message/);
    db.close();
  });

  it('version 13 drops external avatar URLs and keeps the ones Parley serves', () => {
    const db = databaseBefore(13);
    db.exec(`
      INSERT INTO users (id, username, display_name, avatar_url, password_hash, created_at) VALUES
        ('u1', 'u1', 'U', 'https://tracker.example/pixel.gif?u=1', 'h', 1),
        ('u2', 'u2', 'U', '/api/avatars/u2/abcdefgh1234.webp', 'h', 1),
        ('u3', 'u3', 'U', NULL, 'h', 1);
    `);
    migrateSqlite(db);
    expect(db.prepare('SELECT id, avatar_url FROM users ORDER BY id').all()).toEqual([
      { id: 'u1', avatar_url: null },
      { id: 'u2', avatar_url: '/api/avatars/u2/abcdefgh1234.webp' },
      { id: 'u3', avatar_url: null },
    ]);
    db.close();
  });

  it('version 14 indexes the display names of the users already there, by word, without accents', () => {
    const db = databaseBefore(14);
    db.exec(`INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES
      ('u1', 'ann', 'Ann Éxample', 'h', 1), ('u2', 'bob', 'Bob', 'h', 1);`);
    expect(migrateSqlite(db)).toEqual(SQLITE_MIGRATIONS.filter((x) => x.version >= 14).map((m) => m.version));
    const match = (q: string) => db.prepare('SELECT u.username FROM users_name_fts f JOIN users u ON u.rowid = f.rowid WHERE users_name_fts MATCH ?').all(q);
    expect(match('"ex"*')).toEqual([{ username: 'ann' }]);
    db.prepare("UPDATE users SET display_name = 'Robert' WHERE id = 'u2'").run();
    expect(match('"bob"*')).toEqual([]);
    expect(match('"rob"*')).toEqual([{ username: 'bob' }]);
    db.close();
  });

  it('version 15 keeps what everyone reads: existing conversations show all history, existing members read from the start', () => {
    const db = databaseBefore(15);
    db.exec(`
      INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES ('u1', 'u1', 'U', 'h', 1), ('u2', 'u2', 'U', 'h', 1);
      INSERT INTO conversations (id, kind, created_at, updated_at, last_seq) VALUES ('g', 'group', 1, 1, 9), ('d', 'direct', 1, 1, 3);
      INSERT INTO members (conversation_id, user_id, role, joined_at) VALUES ('g', 'u1', 'owner', 1), ('g', 'u2', 'member', 8), ('d', 'u1', 'member', 1);
    `);
    expect(migrateSqlite(db)).toEqual(SQLITE_MIGRATIONS.filter((x) => x.version >= 15).map((m) => m.version));
    expect(db.prepare('SELECT id, history_visibility FROM conversations ORDER BY id').all()).toEqual([
      { id: 'd', history_visibility: 'all' },
      { id: 'g', history_visibility: 'all' },
    ]);
    expect(db.prepare('SELECT DISTINCT visible_from_seq FROM members').all()).toEqual([{ visible_from_seq: 1 }]);
    expect(() => db.prepare("UPDATE conversations SET history_visibility = 'some' WHERE id = 'g'").run()).toThrow(/CHECK/);
    db.close();
  });
  it('version 17 keeps the newest message notification per user and conversation, counting the unread ones, under the id the decider gives it', () => {
    const db = databaseBefore(17);
    db.exec(`
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
    expect(migrateSqlite(db)).toEqual(SQLITE_MIGRATIONS.filter((x) => x.version >= 17).map((m) => m.version));
    const id = (u: string, c: string) => messageNotificationId(u as UserId, c as ConversationId);
    expect(db.prepare('SELECT id, user_id, kind, conversation_id, message_id, actor_id, created_at, message_count, read_at FROM notifications ORDER BY user_id, kind, conversation_id').all()).toEqual([
      { id: 'h', user_id: 'u2', kind: 'added', conversation_id: 'c2', message_id: null, actor_id: 'u1', created_at: 1, message_count: 1, read_at: null },
      { id: 'd', user_id: 'u2', kind: 'mention', conversation_id: 'c1', message_id: 'm3', actor_id: 'u1', created_at: 30, message_count: 1, read_at: null },
      // The newest of c1, unread, standing for the two unread ones.
      { id: id('u2', 'c1'), user_id: 'u2', kind: 'message', conversation_id: 'c1', message_id: 'm4', actor_id: 'u3', created_at: 40, message_count: 2, read_at: null },
      // All read: the newest, still read.
      { id: id('u2', 'c2'), user_id: 'u2', kind: 'message', conversation_id: 'c2', message_id: 'm6', actor_id: 'u1', created_at: 6, message_count: 1, read_at: 7 },
      { id: id('u3', 'c1'), user_id: 'u3', kind: 'message', conversation_id: 'c1', message_id: 'm2', actor_id: 'u1', created_at: 20, message_count: 1, read_at: null },
    ]);
    db.close();
  });
});
