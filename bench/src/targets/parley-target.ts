/**
 * Starts Parley node(s) as separate processes (`packages/server/src/main.ts serve`)
 * on a freshly seeded store.
 *
 * Seeding goes through the store port before any node starts: every user gets the
 * same precomputed argon2 hash (one hash instead of one per user), and access tokens
 * are minted with the server's own issuer and the shared PARLEY_JWT_SECRET instead of
 * N logins (each login costs an argon2 verify). One real login through the HTTP route
 * checks that the seeded accounts are genuine.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { spawnTs, waitForLine, type Spawned } from '../core/spawn';
import { AccessTokens, hashPassword, newId, openPostgres, openSqliteStore } from './server-internals';
import { seedHistory, seedThroughPort } from './history-seed';
import { conversationsByUser, type Population } from './population';
import type { Target } from './target';

const SERVER_ENTRY = 'packages/server/src/main.ts';
const PASSWORD = 'bench-password-1';
export const PG_ADMIN_URL = process.env.PARLEY_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.PARLEY_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const UNLIMITED = '1000000000/1';

export interface ParleyOptions {
  name?: string;
  database?: 'sqlite' | 'postgres';
  nodes?: number;
  redis?: boolean;
  /** Write a V8 CPU profile of every node into this folder (on stop). */
  profileDir?: string | null;
  /** Sampling interval of that profile (µs; V8's default is 1000). */
  profileIntervalUs?: number;
  /** Seed this many messages into conversation 0 (history workload). */
  historyMessages?: number;
  log?: (line: string) => void;
}

export interface ParleyTarget extends Target {
  /** Highest seq of conversation 0 after seeding. */
  historyLastSeq: number;
  /** Seconds the history seed took (including its flush to disk), 0 without one. */
  historySeedSeconds: number;
}

export async function startParley(p: Population, opts: ParleyOptions = {}): Promise<ParleyTarget> {
  const log = opts.log ?? (() => {});
  const nodes = opts.nodes ?? 1;
  const database = opts.database ?? 'sqlite';
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
  const jwtSecret = randomBytes(32).toString('base64url');
  // Nodes of one run share a Redis namespace; runs never see each other's keys or channels.
  const redisPrefix = `parley-bench-${randomBytes(4).toString('hex')}:`;
  let databaseUrl = path.join(dataDir, 'parley.db');
  let dropDatabase: (() => Promise<void>) | null = null;
  if (database === 'postgres') {
    const name = `parley_bench_${randomBytes(4).toString('hex')}`;
    const admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name}`);
    await admin.end();
    databaseUrl = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
    dropDatabase = async () => {
      const a = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    };
  }
  const procs: Spawned[] = [];
  const cleanup = async () => {
    await Promise.all(procs.map((s) => s.stop(20_000)));
    if (dropDatabase) await dropDatabase().catch((err: unknown) => log(`could not drop the bench database: ${String(err)}`));
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    // ---- seed through the store port, before any node runs
    const seedStarted = Date.now();
    const store = database === 'postgres' ? await openPostgres(databaseUrl) : openSqliteStore({ path: databaseUrl, synchronous: 'NORMAL' });
    const hash = await hashPassword(PASSWORD);
    const now = Date.now();
    const users: { id: string; sessionVersion: number }[] = [];
    const chunk = database === 'postgres' ? 50 : 1;
    for (let i = 0; i < p.users; i += chunk) {
      const made = await Promise.all(
        Array.from({ length: Math.min(chunk, p.users - i) }, (_, k) =>
          store.createUser({ id: newId() as never, username: `bench${i + k}`, displayName: `Bench ${i + k}`, passwordHash: hash, createdAt: now }),
        ),
      );
      users.push(...made.map((u) => ({ id: u.id, sessionVersion: u.sessionVersion })));
    }
    const conversationIds: string[] = [];
    for (const c of p.conversations) {
      const id = newId() as never;
      const ids = c.members.map((u) => users[u]!.id as never);
      if (c.kind === 'direct') await store.getOrCreateDirect({ id, a: ids[0]!, b: ids[1]!, at: now });
      else await store.createGroup({ id, ownerId: ids[0]!, title: 'bench group', memberIds: ids.slice(1), maxMembers: ids.length + 1, at: now });
      conversationIds.push(id);
    }
    await store.close();
    let historyLastSeq = 0;
    const historyStarted = Date.now();
    if (opts.historyMessages && conversationIds[0]) {
      const members = p.conversations[0]!.members;
      const pair: [string, string] = [users[members[0]!]!.id, users[members[1]!]!.id];
      if (database === 'postgres') {
        const pg = await openPostgres(databaseUrl);
        try {
          historyLastSeq = await seedHistory({ backend: 'postgres', store: pg }, conversationIds[0], pair, opts.historyMessages, log);
        } finally {
          await pg.close();
        }
      } else {
        try {
          historyLastSeq = await seedHistory({ backend: 'sqlite', file: databaseUrl }, conversationIds[0], pair, opts.historyMessages, log);
        } catch (err) {
          log(`${String(err)}; seeding through appendMessages instead`);
          const s2 = openSqliteStore({ path: databaseUrl, synchronous: 'NORMAL' });
          await seedThroughPort(s2, conversationIds[0], pair, opts.historyMessages);
          historyLastSeq = (await s2.getConversation(conversationIds[0] as never))?.lastSeq ?? 0;
          await s2.close();
        }
        flushToDisk(databaseUrl, log);
      }
    }
    const historySeedSeconds = opts.historyMessages ? (Date.now() - historyStarted) / 1000 : 0;
    log(`seeded ${p.users} users, ${p.conversations.length} conversations in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);

    // ---- start the nodes
    const urls: string[] = [];
    for (let n = 0; n < nodes; n++) {
      const env: Record<string, string> = {
        PORT: '0',
        HOST: '127.0.0.1',
        PARLEY_DATA_DIR: dataDir,
        PARLEY_DATABASE_URL: databaseUrl,
        PARLEY_JWT_SECRET: jwtSecret,
        PARLEY_LOG_LEVEL: process.env.PARLEY_BENCH_LOG_LEVEL ?? 'warn',
        PARLEY_WEB_DIR: path.join(dataDir, 'no-web'),
        PARLEY_NODE_ID: `bench-node-${n}`,
        PARLEY_RATE_SEND: UNLIMITED,
        PARLEY_RATE_TYPING: UNLIMITED,
        PARLEY_RATE_REQUEST: UNLIMITED,
        PARLEY_RATE_LOGIN: UNLIMITED,
        PARLEY_RATE_REGISTER: UNLIMITED,
        PARLEY_MAX_GROUP_MEMBERS: '100000',
        // Every bench client is 127.0.0.1, thousands at once: the edge caps are off, as the rate limits are.
        PARLEY_CONNECTIONS_PER_ADDRESS: '0',
        PARLEY_WS_UNAUTHENTICATED_PER_ADDRESS: '0',
        PARLEY_WS_PER_USER: '0',
      };
      if (opts.redis) {
        env.PARLEY_REDIS_URL = REDIS_URL;
        env.PARLEY_REDIS_PREFIX = redisPrefix;
      }
      const nodeFlags = opts.profileDir ? ['--cpu-prof', '--cpu-prof-dir', opts.profileDir, ...(opts.profileIntervalUs ? ['--cpu-prof-interval', String(opts.profileIntervalUs)] : [])] : [];
      const proc = spawnTs(SERVER_ENTRY, ['serve'], { env, nodeFlags });
      procs.push(proc);
      const m = await waitForLine(proc, /Parley is running at (http:\/\/\S+)/);
      urls.push(m[1]!);
    }

    // ---- sessions: one real login, then tokens from the server's own issuer
    const login = await fetch(`${urls[0]}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench0', password: PASSWORD }),
    });
    if (login.status !== 200) throw new Error(`login of a seeded user failed: HTTP ${login.status} ${await login.text()}`);
    const issuer = new AccessTokens(Buffer.from(jwtSecret, 'utf8'), 3600);
    // Each token in a session of its own, as a login makes (no refresh family stored: never revoked).
    const tokens = await Promise.all(users.map((u) => issuer.issue(u.id as never, u.sessionVersion, `bench-${u.id}`, Date.now())));
    const byUser = conversationsByUser(p, conversationIds);
    const wsUrls = urls.map((u) => u.replace(/^http/, 'ws'));
    return {
      name: opts.name ?? 'parley',
      kind: 'parley',
      httpUrl: urls[0]!,
      serverPids: procs.map((s) => s.pid),
      clients: p.connections.map((u, index) => ({
        index,
        token: tokens[u]!,
        conversations: byUser[u]!,
        relayId: `u${u}`,
        // With several nodes the two members of a pair land on different nodes, so every message crosses the bus.
        url: wsUrls[index % wsUrls.length]!,
      })),
      conversationIds,
      historyLastSeq,
      historySeedSeconds,
      tokenOf: (u) => tokens[u]!,
      stop: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/**
 * Writes the seeded database out before the node starts. The seed leaves about a
 * gigabyte in the page cache for the kernel to write back, which it does over the next
 * seconds: the node's first commits then wait behind that in the disk queue, and the
 * workload measured how fast a disk drains a bulk load rather than reads beside traffic.
 */
function flushToDisk(file: string, log: (line: string) => void): void {
  const started = Date.now();
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  log(`flushed the seeded database (${(statSync(file).size / 2 ** 20).toFixed(0)} MiB) to disk in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
