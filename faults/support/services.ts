/**
 * The backing services a fault suite owns: its own Redis server, its own PostgreSQL
 * cluster (when the suite restarts PostgreSQL) or its own database on the machine's
 * shared PostgreSQL. The shared servers on 5432 and 6379 are never stopped or changed;
 * other suites use them.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { describe, it } from 'vitest';
import { freePort, spawnOwned, waitFor, type OwnedProcess } from './processes';

export const SHARED_POSTGRES_URL = process.env.PARLEY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A temporary folder for one suite's logs and data; removed by the suite's cleanup. */
export function scratchDir(label: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `parley-fault-${label}-`));
}

// ---- availability

export interface Availability {
  ok: boolean;
  reason: string;
}

function onPath(bin: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, bin);
    if (dir && existsSync(p)) return p;
  }
  return null;
}

/** The newest installed PostgreSQL's bin folder (Debian layout), or PARLEY_PG_BIN. */
export function postgresBinDir(): string | null {
  if (process.env.PARLEY_PG_BIN) return existsSync(path.join(process.env.PARLEY_PG_BIN, 'initdb')) ? process.env.PARLEY_PG_BIN : null;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : null;
}

async function sharedPostgresReachable(): Promise<boolean> {
  const sql = postgres(SHARED_POSTGRES_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`SELECT 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

/** What a suite needs: its own Redis, plus either the shared PostgreSQL or a cluster of its own. */
export async function checkServices(needs: { ownPostgres?: boolean }): Promise<Availability> {
  if (!onPath('redis-server')) return { ok: false, reason: 'redis-server not found on PATH' };
  if (needs.ownPostgres) {
    if (!postgresBinDir()) return { ok: false, reason: 'PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql' };
    if (process.getuid?.() === 0 && !onPath('runuser')) return { ok: false, reason: 'running as root without runuser (initdb refuses root)' };
  } else if (!(await sharedPostgresReachable())) {
    return { ok: false, reason: `PostgreSQL unreachable at ${SHARED_POSTGRES_URL.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')}` };
  }
  return { ok: true, reason: '' };
}

/** describe() when the services are there; otherwise a visible skip, or a failure with PARLEY_REQUIRE_SERVICES=1. */
export function describeWithServices(name: string, availability: Availability, suite: () => void): void {
  if (availability.ok) {
    describe(name, suite);
    return;
  }
  if (process.env.PARLEY_REQUIRE_SERVICES === '1') {
    describe(name, () => {
      it('needs its services', () => {
        throw new Error(`${availability.reason}; PARLEY_REQUIRE_SERVICES=1 makes this a failure`);
      });
    });
    return;
  }
  console.warn(`[faults] skipping "${name}": ${availability.reason}`);
  describe.skip(`${name} (skipped: ${availability.reason})`, suite);
}

// ---- Redis

export interface OwnRedis {
  port: number;
  url: string;
  readonly running: boolean;
  /** SIGKILL: everything in memory is gone, as after a crash (no persistence is configured). */
  kill(): Promise<void>;
  /** Starts again on the same port and waits until it answers. */
  start(): Promise<void>;
}

function redisAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let buf = '';
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.on('error', () => done(false));
    s.on('connect', () => s.write('PING\r\n'));
    s.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
  });
}

export async function startOwnRedis(dir: string): Promise<OwnRedis> {
  const port = await freePort();
  let proc: OwnedProcess | null = null;
  const start = async () => {
    proc = spawnOwned(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', dir, '--protected-mode', 'no'],
      { logFile: path.join(dir, 'redis.log') },
    );
    await waitFor(`redis on port ${port}`, () => redisAnswers(port), 15_000, 50);
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get running() {
      return proc?.running ?? false;
    },
    async kill() {
      await proc?.kill();
    },
    start,
  };
}

// ---- PostgreSQL: a fresh database on the shared server

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createScratchDatabase(): Promise<ScratchDatabase> {
  const name = `parley_fault_${randomBytes(5).toString('hex')}`;
  const admin = postgres(SHARED_POSTGRES_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end({ timeout: 1 });
  }
  const url = new URL(SHARED_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const sql = postgres(SHARED_POSTGRES_URL, { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await sql.end({ timeout: 1 });
      }
    },
  };
}

// ---- PostgreSQL: a cluster of the suite's own, which it may crash and restart

export interface OwnPostgres {
  url: string;
  /** `pg_ctl stop -m immediate`: every backend dies at once, like a crash; recovery runs on start. */
  crash(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server (if up) and removes its data folder. */
  destroy(): Promise<void>;
}

export async function startOwnPostgres(dir: string): Promise<OwnPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL binaries not found');
  const port = await freePort();
  const data = path.join(dir, 'pgdata');
  const sock = path.join(dir, 'pgsock');
  mkdirSync(data, { recursive: true });
  mkdirSync(sock, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    for (const p of [dir, data, sock]) chownSync(p, uid, gid);
  }
  // Asynchronous: the proxy and the SDK clients live in this process and must keep
  // running while PostgreSQL stops and starts.
  const run = (tool: string, args: string[]) =>
    new Promise<void>((resolve, reject) => {
      const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]] : [path.join(bin, tool), args];
      execFile(cmd, argv as string[], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`${tool} ${args.join(' ')} failed: ${stderr || stdout || err.message}`));
        else resolve();
      });
    });
  await run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '--no-instructions']);
  const log = path.join(dir, 'postgres.log');
  const opts = `-p ${port} -k ${sock} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  let up = false;
  const start = async () => {
    await run('pg_ctl', ['-D', data, '-o', opts, '-l', log, '-w', '-t', '60', 'start']);
    up = true;
  };
  const stop = async () => {
    await run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    up = false;
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    crash: stop,
    start,
    async destroy() {
      if (up) await stop().catch(() => {});
      rmSync(data, { recursive: true, force: true });
    },
  };
}
