/**
 * Starts the durable floor (relay/durable-floor-server.ts) in its own process, on a
 * fresh SQLite file in a temporary folder or a PostgreSQL database created for the run;
 * both are removed on stop. Clients speak the relay's protocol (kind 'relay').
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { spawnTs, waitForLine } from '../core/spawn';
import { PG_ADMIN_URL } from './parley-target';
import type { Population } from './population';
import { conversationsByUser } from './population';
import type { Target } from './target';

const ENTRY = path.join(import.meta.dirname, '../relay/durable-floor-server.ts');

export type FloorStorage = 'sqlite' | 'postgres';

export const floorName = (storage: FloorStorage) => (storage === 'postgres' ? 'floor-pg' : 'floor');

async function adminQuery(query: string): Promise<void> {
  const admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(query);
  } finally {
    await admin.end();
  }
}

export async function startFloor(p: Population, storage: FloorStorage): Promise<Target> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-floor-'));
  const env: Record<string, string> = { PORT: '0', FLOOR_STORAGE: storage, FLOOR_SQLITE_PATH: path.join(dir, 'floor.db'), FLOOR_SQLITE_SYNCHRONOUS: 'FULL' };
  const dbName = `parley_floor_${randomBytes(4).toString('hex')}`;
  if (storage === 'postgres') {
    await adminQuery(`CREATE DATABASE ${dbName}`);
    env.FLOOR_PG_URL = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${dbName}`);
  }
  const cleanup = async () => {
    if (storage === 'postgres') await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    rmSync(dir, { recursive: true, force: true });
  };
  const proc = spawnTs(ENTRY, [], { env });
  let port: string;
  try {
    port = (await waitForLine(proc, /FLOOR LISTENING (\d+)/))[1]!;
  } catch (err) {
    await proc.stop();
    await cleanup();
    throw err;
  }
  const url = `ws://127.0.0.1:${port}`;
  const conversationIds = p.conversations.map((_, k) => `c${k}`);
  const byUser = conversationsByUser(p, conversationIds);
  return {
    name: floorName(storage),
    kind: 'relay',
    httpUrl: `http://127.0.0.1:${port}`,
    serverPids: [proc.pid],
    clients: p.connections.map((u, index) => ({ index, conversations: byUser[u]!, relayId: `u${u}`, url })),
    conversationIds,
    tokenOf: () => '',
    stop: async () => {
      await proc.stop();
      await cleanup();
    },
  };
}
