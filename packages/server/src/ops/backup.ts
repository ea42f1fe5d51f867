/**
 * Backup and restore, by backend:
 * - SQLite: an online copy through SQLite's backup API (consistent while the server
 *   keeps writing); restore copies the file into place while the server is stopped.
 * - PostgreSQL: the database's own tools (pg_dump custom format / pg_restore), which
 *   must be installed and at least as new as the server.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { isPostgresUrl } from '../config';

const run = promisify(execFile);

export function sqliteFileOf(databaseUrl: string): string {
  return path.resolve(databaseUrl.replace(/^sqlite:(\/\/)?/i, ''));
}

export async function backup(databaseUrl: string, destination: string): Promise<void> {
  mkdirSync(path.dirname(path.resolve(destination)), { recursive: true });
  if (isPostgresUrl(databaseUrl)) {
    await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${destination}`, `--dbname=${databaseUrl}`]);
    return;
  }
  const file = sqliteFileOf(databaseUrl);
  if (!existsSync(file)) throw new Error(`no database at ${file}`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    await db.backup(destination);
  } finally {
    db.close();
  }
}

/** Restores into the configured database, which must be empty or absent unless `force`. Stop the server first. */
export async function restore(databaseUrl: string, source: string, opts: { force?: boolean } = {}): Promise<void> {
  if (!existsSync(source)) throw new Error(`no backup at ${source}`);
  if (isPostgresUrl(databaseUrl)) {
    await emptyPostgresTarget(databaseUrl, Boolean(opts.force));
    await run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', `--dbname=${databaseUrl}`, source]);
    return;
  }
  const file = sqliteFileOf(databaseUrl);
  if (existsSync(file) && !opts.force) throw new Error(`${file} exists; stop the server and pass --force to replace it`);
  mkdirSync(path.dirname(file), { recursive: true });
  for (const suffix of ['-wal', '-shm']) rmSync(file + suffix, { force: true });
  copyFileSync(source, file);
  // Prove the copy is a readable database before reporting success.
  const db = new Database(file, { fileMustExist: true });
  try {
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`restored database failed its integrity check: ${String(check)}`);
  } finally {
    db.close();
  }
}

/**
 * pg_restore --clean cannot drop the partitions of the messages table (their constraints
 * are inherited), so a forced restore empties the public schema first and restores into
 * it as into a fresh database. Without --force a database that has tables is refused.
 */
async function emptyPostgresTarget(databaseUrl: string, force: boolean): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`;
    if (!row || row.n === 0) return;
    if (!force) throw new Error('the target database is not empty; stop the servers and pass --force to replace it');
    await sql.unsafe('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  } finally {
    await sql.end({ timeout: 5 });
  }
}
