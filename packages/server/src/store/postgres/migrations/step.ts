/** One forward-only PostgreSQL schema step: applied once, in its own transaction with its ledger row. */
export interface Migration {
  version: number;
  name: string;
  up: string;
}

/** Advisory lock class shared by every Parley schema-level lock (see also partitions.ts). */
export const ADVISORY_CLASS = 0x7061726c; // 'parl'
