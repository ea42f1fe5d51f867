import { afterAll, describe, expect, it } from 'vitest';
import { connect, type Sql } from './db';
import { LATEST_VERSION, MIGRATIONS, appliedMigrations, migratePostgres } from './migrations';
import { TEST_DATABASE_URL, describeWithPostgres, postgresReachable, scratchSchema } from './test-support';

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
