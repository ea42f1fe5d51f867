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
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) throw new Error('invalid PostgreSQL schema name');
}

export function connect(opts: ConnectOptions): Sql {
  if (opts.schema !== undefined) assertSchemaName(opts.schema);
  return postgres(opts.url, {
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
    ...(opts.schema !== undefined ? { connection: { search_path: opts.schema } } : {}),
  }) as unknown as Sql;
}
