/**
 * The PostgreSQL client as the adapter uses it: BIGINT columns come back as JS
 * numbers (every number in the protocol is a safe integer: seqs and epoch ms), and an
 * optional schema isolates one store (tests, or several tenants on one database).
 */
import postgres from 'postgres';

// The adapter never relies on driver-specific custom type helpers, so one plain alias
// keeps signatures readable.
export type Sql = postgres.Sql;
export type Tx = postgres.TransactionSql;
/** Either the pool or a transaction: read helpers accept both. */
export type Db = Sql | Tx;

export interface ConnectOptions {
  url: string;
  max?: number;
  schema?: string;
  /**
   * Server-side limits for every connection, ms (0: none): statement_timeout, lock_timeout
   * and idle_in_transaction_session_timeout. Their errors are UNAVAILABLE (errors.ts).
   */
  timeouts?: { statementMs?: number; lockMs?: number; idleInTransactionMs?: number };
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) throw new Error('invalid PostgreSQL schema name');
}

export function connect(opts: ConnectOptions): Sql {
  if (opts.schema !== undefined) assertSchemaName(opts.schema);
  const sql = postgres(opts.url, {
    max: opts.max ?? 10,
    idle_timeout: 30,
    connect_timeout: 5,
    onnotice: () => {},
    types: {
      // int8 (oid 20) as number instead of the driver's default string.
      bigint: {
        to: 20,
        from: [20],
        serialize: (x: number) => String(x),
        parse: (x: string) => Number(x),
      },
    },
    connection: {
      ...(opts.schema !== undefined ? { search_path: opts.schema } : {}),
      // Sent in the startup packet, so they hold from a connection's first statement.
      ...(opts.timeouts?.statementMs ? { statement_timeout: opts.timeouts.statementMs } : {}),
      ...(opts.timeouts?.lockMs ? { lock_timeout: opts.timeouts.lockMs } : {}),
      ...(opts.timeouts?.idleInTransactionMs ? { idle_in_transaction_session_timeout: opts.timeouts.idleInTransactionMs } : {}),
    },
  }) as unknown as Sql;
  sql.begin = crashSafeBegin(sql) as Sql['begin'];
  return sql;
}

/**
 * Sends COMMIT right behind a transaction's last statements, in the same round trip,
 * and resolves once they and the COMMIT have all succeeded. If one of them fails,
 * PostgreSQL has aborted the transaction and answers the COMMIT with ROLLBACK: nothing
 * is kept, and the promise rejects with the statement's error.
 */
export type CommitWith = (...last: PromiseLike<unknown>[]) => Promise<void>;

/**
 * sql.begin without the driver's crash, and in fewer round trips.
 *
 * The crash: postgres 3.4.9's begin() sends ROLLBACK on the transaction's connection
 * whenever the callback fails, even when it failed because that connection died; the
 * ROLLBACK is written from a setImmediate after the driver has nulled the socket, and
 * the TypeError it throws there kills the process (upstream issues #1154/#1208, unfixed
 * in 3.4.9). So every transaction in flight when PostgreSQL restarts took the whole node
 * down (faults/postgres-restart.test.ts).
 *
 * Same contract, on a reserved connection: BEGIN, the callback, COMMIT; ROLLBACK only
 * while the connection is alive. A connection lost mid-transaction is never written to
 * again nor released: the driver has already put it back among its closed connections,
 * which it reconnects when needed. Callbacks must not catch and continue after a failed
 * statement (none here do), or they would write to the dead connection themselves.
 *
 * The round trips: BEGIN is not awaited on its own but goes out with the callback's
 * first statements (the connection runs them in order), and a callback that calls
 * `commitWith` sends COMMIT with its last statements. Every round trip of a transaction
 * that holds row locks is time other transactions wait, on every node.
 */
export async function transaction<T>(sql: Sql, fn: (tx: Tx, commitWith: CommitWith) => T | Promise<T>): Promise<T> {
  const conn = await sql.reserve();
  let alive = true;
  const lost = (err: unknown) => {
    if (isConnectionLoss(err)) alive = false;
    return err;
  };
  // Queued now (a driver query runs once something awaits it), so it precedes the callback's statements.
  const began = conn`BEGIN`.then(
    () => null,
    (err: unknown) => lost(err),
  );
  // Set by commitWith: settles once the last statements and the COMMIT have answered.
  const end: { ending: Promise<void> | null } = { ending: null };
  const commitWith: CommitWith = (...last) => {
    if (end.ending) return Promise.reject(new Error('commitWith called twice'));
    // Each statement's then() is called before the COMMIT's, so they are queued ahead of it.
    const statements = [...last.map((q) => Promise.resolve(q)), Promise.resolve(conn`COMMIT`)];
    end.ending = Promise.race([Promise.allSettled(statements), connectionLoss(statements)]).then(
      (results) => {
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw lost(failed.reason);
        const tag = (results.at(-1) as PromiseFulfilledResult<{ command?: string }>).value.command;
        if (tag !== 'COMMIT') throw new Error(`transaction ended with ${tag ?? 'no command tag'}, not COMMIT`);
      },
      (err: unknown) => Promise.reject(lost(err)),
    );
    return end.ending;
  };
  try {
    let result: T;
    try {
      const out = await fn(conn as unknown as Tx, commitWith);
      result = (Array.isArray(out) ? await Promise.all(out) : out) as T;
      const beginErr = await began;
      if (beginErr) throw beginErr;
      // A callback that did not wait for its commitWith still gets the outcome it asked for.
      if (end.ending) await end.ending;
    } catch (err) {
      lost(err);
      await began;
      // Once COMMIT is sent the transaction is over, committed or (after a failure) rolled back.
      if (end.ending) await end.ending.catch(() => {});
      else if (alive) await conn`ROLLBACK`.catch(lost);
      throw err;
    }
    if (!end.ending) await conn`COMMIT`.catch((err: unknown) => Promise.reject(lost(err)));
    return result;
  } finally {
    if (alive) conn.release();
  }
}

function crashSafeBegin(sql: Sql) {
  return <T>(fn: (tx: Tx) => T | Promise<T>): Promise<T> => transaction(sql, (tx) => fn(tx));
}

/**
 * Rejects with the first of these statements' errors that says the connection is gone;
 * never settles otherwise. Waiting for all of them is not enough then: statements the
 * driver held back behind one it was still preparing (a parameterised statement new to
 * the connection) are neither sent nor rejected when the connection dies (postgres
 * 3.4.9: the reserved connection's own queue is dropped), so a COMMIT there would keep
 * its transaction, and the group commit lane behind it, waiting forever.
 */
function connectionLoss(statements: readonly Promise<unknown>[]): Promise<never> {
  return new Promise((_, reject) => {
    for (const s of statements) {
      s.catch((err: unknown) => {
        if (isConnectionLoss(err)) reject(err);
      });
    }
  });
}

/** The error means this connection is gone (not a statement the server refused). */
function isConnectionLoss(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (typeof code !== 'string') return false;
  return /^(CONNECTION_|ECONN|EPIPE|ETIMEDOUT|57P0[1-3]|08)/.test(code);
}
