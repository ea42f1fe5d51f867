/**
 * Real Parley nodes as separate processes (`parley serve`), configured only through
 * environment variables, as an operator would run them behind a load balancer.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort, GiveUp, spawnOwned, waitFor, type Exit, type OwnedProcess } from './processes';

const ROOT = path.resolve(import.meta.dirname, '../..');
// The compiled server, as production runs it (built by build-server.ts, the global setup).
const BIN = path.join(ROOT, 'packages/server/bin/parley.mjs');

export interface NodeSettings {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  jwtSecret: string;
  dir: string;
  /** Extra environment (e.g. tighter timeouts for one scenario). */
  env?: Record<string, string>;
}

export interface ParleyNode {
  name: string;
  port: number;
  url: string;
  logFile: string;
  readonly running: boolean;
  readonly exited: Promise<Exit>;
  signal(sig: NodeJS.Signals): void;
  kill(): Promise<Exit>;
  /** GET /readyz: the status code, or 0 when nothing answers. */
  readiness(): Promise<number>;
}

/** Generous limits: the scenarios measure correctness, not the limiter. */
const RATE_ENV = {
  PARLEY_RATE_SEND: '100000/1',
  PARLEY_RATE_REQUEST: '100000/1',
  PARLEY_RATE_LOGIN: '100000/1',
  PARLEY_RATE_REGISTER: '100000/1',
  PARLEY_RATE_TYPING: '100000/1',
};

export function nodeSettings(s: Omit<NodeSettings, 'jwtSecret' | 'redisPrefix'> & Partial<NodeSettings>): NodeSettings {
  return { jwtSecret: randomBytes(32).toString('hex'), redisPrefix: `parley-fault:${randomBytes(4).toString('hex')}:`, ...s };
}

export async function startNode(name: string, s: NodeSettings): Promise<ParleyNode> {
  const port = await freePort();
  const dataDir = path.join(s.dir, name);
  mkdirSync(dataDir, { recursive: true });
  const logFile = path.join(s.dir, `${name}.log`);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    PARLEY_DATABASE_URL: s.databaseUrl,
    PARLEY_REDIS_URL: s.redisUrl,
    PARLEY_REDIS_PREFIX: s.redisPrefix,
    PARLEY_JWT_SECRET: s.jwtSecret,
    PARLEY_DATA_DIR: dataDir,
    PARLEY_NODE_ID: name,
    PARLEY_LOG_LEVEL: process.env.PARLEY_FAULT_LOG_LEVEL ?? 'warn',
    PARLEY_WEB_DIR: path.join(dataDir, 'no-web'),
    ...RATE_ENV,
    ...s.env,
  };
  // node itself, not a wrapper: the pid we signal is the server's.
  const proc: OwnedProcess = spawnOwned(process.execPath, [BIN, 'serve'], { cwd: ROOT, env, logFile });
  const url = `http://127.0.0.1:${port}`;
  const node: ParleyNode = {
    name,
    port,
    url,
    logFile,
    get running() {
      return proc.running;
    },
    exited: proc.exited,
    signal: (sig) => proc.signal(sig),
    kill: () => proc.kill(),
    readiness: async () => {
      try {
        const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(3000) });
        await res.arrayBuffer();
        return res.status;
      } catch {
        return 0;
      }
    },
  };
  // Three nodes compiling the server at once on a busy two-core machine took 50-70 s to
  // answer ready; 90 s still leaves the suite's 120 s hook budget for the rest of the start.
  await waitFor(`${name} to be ready (log: ${logFile})`, async () => {
    if (!proc.running) {
      await proc.exited;
      await new Promise((r) => setTimeout(r, 200)); // let the log stream flush
      const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-1500) : '';
      throw new GiveUp(`${name} exited during start (${JSON.stringify(await proc.exited)}); log tail:\n${tail}`);
    }
    return (await node.readiness()) === 200;
  }, 90_000, 100).catch(async (err: unknown) => {
    await proc.kill();
    throw err;
  });
  return node;
}

/**
 * Starts `count` nodes on the same database and Redis, concurrently. `started` hears of
 * each node as soon as it is up, so a caller can still stop it if another one fails.
 */
export async function startNodes(
  count: number,
  s: NodeSettings,
  started: (n: ParleyNode) => void = () => {},
  /** Extra environment for one node (by index), e.g. its own way to Redis. */
  envFor: (index: number) => Record<string, string> | Promise<Record<string, string>> = () => ({}),
): Promise<ParleyNode[]> {
  // allSettled: a failing node must not leave the others starting unseen.
  const results = await Promise.allSettled(
    Array.from({ length: count }, async (_, i) => {
      const own = await envFor(i);
      const n = await startNode(`node${i + 1}`, { ...s, env: { ...s.env, ...own } });
      started(n);
      return n;
    }),
  );
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<ParleyNode>).value);
}
