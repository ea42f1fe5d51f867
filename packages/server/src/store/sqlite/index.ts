export { openSqliteStore, type SqliteStoreOptions } from './sqlite-store';
export { migrateSqlite, listAppliedMigrations, SQLITE_MIGRATIONS, type SqliteMigration } from './migrations';
