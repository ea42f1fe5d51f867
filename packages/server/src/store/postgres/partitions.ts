/**
 * Monthly partitions of `messages` (RANGE on created_at, epoch ms, UTC months) and
 * retention by dropping whole partitions.
 *
 * Guarantees:
 * - ensurePartitions is idempotent and safe to run from several nodes at once (it
 *   serializes on an advisory lock). If the DEFAULT partition already holds rows of a
 *   month being created, they are moved into the new partition in the same transaction.
 * - dropPartitionsOlderThan drops only partitions whose upper bound is <= cutoff (every
 *   row in them is older than the cutoff), and in the same transaction deletes what
 *   depends on those messages: their events (message.created/edited/deleted), their
 *   idempotency keys and the per-user hide marks. The DEFAULT partition is never dropped.
 */
import type { Sql, Tx } from './db';
import { ADVISORY_CLASS } from './migrations';

const PARTITION_LOCK = 2;

export interface MessagePartition {
  name: string;
  from: number;
  to: number;
}

function monthStart(year: number, month: number): number {
  return Date.UTC(year, month, 1);
}

function partitionName(from: number): string {
  const d = new Date(from);
  return `messages_p${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

async function lockPartitions(tx: Tx): Promise<void> {
  await tx`SELECT pg_advisory_xact_lock(${ADVISORY_CLASS}, hashtext(coalesce(current_schema(), '')) # ${PARTITION_LOCK})`;
}

/** The bounded (non-default) partitions of messages, oldest first. */
export async function listPartitions(sql: Sql | Tx): Promise<MessagePartition[]> {
  const rows = await sql<{ name: string; bound: string }[]>`
    SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = to_regclass('messages')
  `;
  const parts: MessagePartition[] = [];
  for (const r of rows) {
    const m = /FROM \('?(-?\d+)'?\) TO \('?(-?\d+)'?\)/.exec(r.bound);
    if (m) parts.push({ name: r.name, from: Number(m[1]), to: Number(m[2]) });
  }
  return parts.sort((a, b) => a.from - b.from);
}

/** Creates the partitions of the month of `now` and the next `monthsAhead` months. */
export async function ensurePartitions(sql: Sql, now: number, monthsAhead: number): Promise<string[]> {
  return (await sql.begin(async (tx) => {
    // Moving rows out of DEFAULT may take longer than a request's statement may; the lock
    // timeout stays, so DDL never queues every send behind it (upkeep tries again later).
    await tx`SET LOCAL statement_timeout = 0`;
    await lockPartitions(tx);
    await tx`CREATE TABLE IF NOT EXISTS messages_default PARTITION OF messages DEFAULT`;
    const existing = new Set((await listPartitions(tx)).map((p) => p.from));
    const d = new Date(now);
    const created: string[] = [];
    for (let i = 0; i <= monthsAhead; i++) {
      const from = monthStart(d.getUTCFullYear(), d.getUTCMonth() + i);
      if (existing.has(from)) continue;
      const to = monthStart(d.getUTCFullYear(), d.getUTCMonth() + i + 1);
      await createPartition(tx, partitionName(from), from, to);
      created.push(partitionName(from));
    }
    return created;
  })) as string[];
}

async function createPartition(tx: Tx, name: string, from: number, to: number): Promise<void> {
  const [stray] = await tx<{ present: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM messages_default WHERE created_at >= ${from} AND created_at < ${to}) AS present
  `;
  const table = tx(name);
  if (!stray?.present) {
    await tx`CREATE TABLE ${table} PARTITION OF messages FOR VALUES FROM (${tx.unsafe(String(from))}) TO (${tx.unsafe(String(to))})`;
    return;
  }
  // Attaching would fail while DEFAULT holds rows of this range: move them first.
  await tx`CREATE TABLE ${table} (LIKE messages INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`;
  await tx`
    WITH moved AS (
      DELETE FROM messages_default WHERE created_at >= ${from} AND created_at < ${to} RETURNING *
    )
    INSERT INTO ${table} SELECT * FROM moved
  `;
  await tx`ALTER TABLE messages ATTACH PARTITION ${table} FOR VALUES FROM (${tx.unsafe(String(from))}) TO (${tx.unsafe(String(to))})`;
}

/** Retention: drops every monthly partition entirely older than cutoffMs; returns their names. */
export async function dropPartitionsOlderThan(sql: Sql, cutoffMs: number): Promise<string[]> {
  return (await sql.begin(async (tx) => {
    // Moving rows out of DEFAULT may take longer than a request's statement may; the lock
    // timeout stays, so DDL never queues every send behind it (upkeep tries again later).
    await tx`SET LOCAL statement_timeout = 0`;
    await lockPartitions(tx);
    const victims = (await listPartitions(tx)).filter((p) => p.to <= cutoffMs);
    for (const p of victims) {
      const part = tx(p.name);
      await tx`DELETE FROM events e USING ${part} m WHERE e.message_id = m.id AND e.conversation_id = m.conversation_id`;
      await tx`DELETE FROM message_keys k USING ${part} m WHERE k.message_id = m.id`;
      await tx`DELETE FROM hidden_messages h USING ${part} m WHERE h.conversation_id = m.conversation_id AND h.message_id = m.id`;
      await tx`DROP TABLE ${part}`;
    }
    return victims.map((p) => p.name);
  })) as string[];
}
