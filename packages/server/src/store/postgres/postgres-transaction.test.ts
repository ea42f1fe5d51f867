/**
 * `transaction` (db.ts): BEGIN goes out with the first statements and `commitWith`
 * sends COMMIT with the last ones. Pipelining must not change what a transaction
 * means: all or nothing, the statement's own error to the caller, and a connection
 * that is clean for the next user (the pool here has one connection, so every test
 * reuses the one before it).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, transaction, type Sql } from './db';
import { TEST_DATABASE_URL, describeWithPostgres, postgresReachable, scratchSchema } from './test-support';

const reachable = await postgresReachable();

describeWithPostgres('postgres transaction', reachable, () => {
  let sql: Sql;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const s = await scratchSchema('parley_tx');
    drop = s.drop;
    await s.sql.end();
    // One connection: a transaction left open or aborted would break the next test.
    sql = connect({ url: TEST_DATABASE_URL, max: 1, schema: s.schema });
    await sql`CREATE TABLE items (id int PRIMARY KEY, note text NOT NULL)`;
  });
  afterAll(async () => {
    await sql.end({ timeout: 1 });
    await drop();
  });

  const ids = async () => (await sql<{ id: number }[]>`SELECT id FROM items ORDER BY id`).map((r) => r.id);

  it('commitWith keeps every statement of the transaction', async () => {
    const out = await transaction(sql, async (tx, commitWith) => {
      await tx`INSERT INTO items VALUES (1, 'a')`;
      const second = Promise.resolve(tx`INSERT INTO items VALUES (2, 'b')`);
      await commitWith(second, tx`INSERT INTO items VALUES (3, 'c')`);
      return 'done';
    });
    expect(out).toBe('done');
    expect(await ids()).toEqual([1, 2, 3]);
  });

  it('a last statement that fails rolls the whole transaction back and rejects with its error', async () => {
    const err = await transaction(sql, async (tx, commitWith) => {
      await tx`INSERT INTO items VALUES (10, 'kept only if committed')`;
      await commitWith(tx`INSERT INTO items VALUES (1, 'duplicate key')`);
    }).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('23505');
    expect(await ids()).toEqual([1, 2, 3]);
    // The connection is out of the aborted transaction: a new one on it commits.
    await transaction(sql, async (tx) => {
      await tx`INSERT INTO items VALUES (4, 'd')`;
    });
    expect(await ids()).toEqual([1, 2, 3, 4]);
  });

  it('a callback that does not wait for commitWith still gets its failure, not a success', async () => {
    const out = transaction(sql, (tx, commitWith) => {
      void commitWith(tx`INSERT INTO items VALUES (11, 'x')`, tx`INSERT INTO items VALUES (2, 'duplicate key')`);
      return 'returned before the COMMIT answered';
    });
    await expect(out).rejects.toMatchObject({ code: '23505' });
    expect(await ids()).toEqual([1, 2, 3, 4]);
  });

  it('a statement failing before commitWith rolls back, and commitWith is never reached', async () => {
    let reached = false;
    const err = await transaction(sql, async (tx, commitWith) => {
      await tx`INSERT INTO items VALUES (20, 'x')`;
      await tx`INSERT INTO items VALUES (20, 'same key')`;
      reached = true;
      await commitWith();
    }).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('23505');
    expect(reached).toBe(false);
    expect(await ids()).toEqual([1, 2, 3, 4]);
  });

  it('an error thrown by the callback itself rolls back what it wrote', async () => {
    await expect(
      transaction(sql, async (tx) => {
        await tx`INSERT INTO items VALUES (30, 'x')`;
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await ids()).toEqual([1, 2, 3, 4]);
  });

  it('a connection lost under commitWith rejects the transaction; it does not wait forever', async () => {
    // A pool of its own: the killed connection must not be the one the other tests share.
    const own = connect({ url: TEST_DATABASE_URL, max: 1, schema: 'public' });
    try {
      const outcome = transaction(own, async (tx, commitWith) => {
        const [row] = await tx<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
        const pid = row!.pid;
        // Killed while its last statement runs. That statement has a parameter and is
        // new to this connection, so the driver prepares it first and holds the COMMIT
        // back until it is answered: the COMMIT is never sent, and was never settled.
        setTimeout(() => void sql`SELECT pg_terminate_backend(${pid}::int)`.catch(() => {}), 200);
        await commitWith(tx`SELECT pg_sleep(${2}::float8)`);
      });
      const settled = await Promise.race([
        outcome.then(
          () => 'committed',
          (err: { code?: string }) => `rejected ${err.code ?? String(err)}`,
        ),
        new Promise<string>((resolve) => setTimeout(() => resolve('still pending'), 5_000)),
      ]);
      expect(settled).toMatch(/^rejected (57P01|CONNECTION_|ECONN)/);
      // The pool connects again for what comes next. The driver (postgres 3.4.9) hands the
      // first query there the dead connection's last error; the one after it succeeds.
      const again = () => own<{ one: number }[]>`SELECT 1 AS one`;
      expect(await again().catch(again)).toEqual([{ one: 1 }]);
    } finally {
      await own.end({ timeout: 1 });
    }
  });

  it('without commitWith the transaction commits after the callback, as sql.begin does', async () => {
    await sql.begin(async (tx) => {
      await tx`INSERT INTO items VALUES (5, 'e')`;
    });
    expect(await ids()).toEqual([1, 2, 3, 4, 5]);
  });
});
