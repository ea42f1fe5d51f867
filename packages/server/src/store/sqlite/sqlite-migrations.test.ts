import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrateSqlite, listAppliedMigrations, SQLITE_MIGRATIONS } from './migrations';

/** Everything that makes up the schema, in a stable order (the runner's own bookkeeping table aside). */
function schemaOf(db: Database.Database): unknown[] {
  return db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY type, name").all();
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
        old.exec(m.sql);
        old.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, 0);
      }
      // ...then starts the current release.
      expect(migrateSqlite(old)).toEqual(SQLITE_MIGRATIONS.slice(upTo).map((m) => m.version));
      expect(schemaOf(old)).toEqual(expected);
      old.close();
    }
    fresh.close();
  });
});
