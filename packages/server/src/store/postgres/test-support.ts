/**
 * Test helpers for suites that need a real PostgreSQL: where it is, whether it answers,
 * and throwaway schemas. Not a test file itself.
 */
import { randomBytes } from 'node:crypto';
import { describe, it } from 'vitest';
import postgres from 'postgres';
import { connect, type Sql } from './db';
import type { Store } from '../port';
import { openPostgresStore } from './postgres-store';

export const TEST_DATABASE_URL = process.env.PARLEY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * True when a server answers at the test URL. Retries briefly: on a busy machine one
 * slow or refused connection (e.g. too many clients) must not silently skip a suite.
 */
export async function postgresReachable(url = TEST_DATABASE_URL, attempts = 3): Promise<boolean> {
  let reason = '';
  for (let i = 0; i < attempts; i++) {
    const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
    try {
      await sql`SELECT 1`;
      return true;
    } catch (err) {
      reason = (err as { code?: string }).code ?? 'unknown error';
    } finally {
      await sql.end({ timeout: 1 }).catch(() => {});
    }
    if (i < attempts - 1) await new Promise((r) => setTimeout(r, 500 * (i + 1)));
  }
  console.warn(`[postgres] ${redact(url)} unreachable after ${attempts} attempts (${reason})`);
  return false;
}

/**
 * Declares `suite` when PostgreSQL is reachable; otherwise a visible skip, or a failing
 * test when PARLEY_REQUIRE_SERVICES=1 (CI).
 */
export function describeWithPostgres(name: string, reachable: boolean, suite: () => void): void {
  if (reachable) {
    suite();
    return;
  }
  if (process.env.PARLEY_REQUIRE_SERVICES === '1') {
    describe(name, () => {
      it('needs PostgreSQL', () => {
        throw new Error(`PostgreSQL unreachable at ${redact(TEST_DATABASE_URL)} and PARLEY_REQUIRE_SERVICES=1`);
      });
    });
    return;
  }
  console.warn(`[skip] ${name}: PostgreSQL unreachable at ${redact(TEST_DATABASE_URL)} (set PARLEY_TEST_DATABASE_URL)`);
  describe.skip(`${name} (skipped: PostgreSQL unreachable)`, () => {
    it('needs PostgreSQL', () => {});
  });
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

export function freshSchemaName(prefix = 'parley_test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** A store on a new schema of the test database, and a cleanup that drops it (a contract's or suite's factory). */
export async function postgresTestStore(max = 4): Promise<{ store: Store; cleanup: () => Promise<void> }> {
  const schema = freshSchemaName();
  const store = await openPostgresStore({ url: TEST_DATABASE_URL, schema, max });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await dropSchema(schema);
    },
  };
}

/** A pool bound to a new empty schema, and a cleanup that drops it. */
export async function scratchSchema(prefix?: string): Promise<{ sql: Sql; schema: string; drop: () => Promise<void> }> {
  const schema = freshSchemaName(prefix);
  const sql = connect({ url: TEST_DATABASE_URL, max: 2, schema });
  await sql`CREATE SCHEMA ${sql(schema)}`;
  return {
    sql,
    schema,
    drop: async () => {
      await sql.end({ timeout: 1 });
      await dropSchema(schema);
    },
  };
}

export async function dropSchema(schema: string): Promise<void> {
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    await admin`DROP SCHEMA IF EXISTS ${admin(schema)} CASCADE`;
  } finally {
    await admin.end({ timeout: 1 });
  }
}
