/**
 * Starting the measured processes (Parley nodes, the relay) and the load generators
 * as separate OS processes. Each goes through `sh -c "ulimit -n <hard>; exec node"`
 * so it gets the highest file limit the machine allows (idle holds tens of thousands
 * of sockets) while keeping its own pid for /proc sampling.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');

export interface Spawned {
  child: ChildProcess;
  pid: number;
  /** Resolves with the exit code once the process is gone. */
  exited: Promise<number | null>;
  stop(timeoutMs?: number): Promise<void>;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
  ipc?: boolean;
  /** Forward the child's stderr (stdout is always captured for readiness lines). */
  quiet?: boolean;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function spawnTs(entry: string, args: string[], opts: SpawnOptions = {}): Spawned {
  const node = [process.execPath, ...(opts.nodeFlags ?? []), '--import', 'tsx', entry, ...args].map(shellQuote).join(' ');
  const child = spawn('sh', ['-c', `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec ${node}`], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', opts.quiet ? 'ignore' : 'inherit', ...(opts.ipc ? ['ipc' as const] : [])],
    serialization: 'advanced',
  });
  if (child.pid === undefined) throw new Error(`could not start ${entry}`);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    pid: child.pid,
    exited,
    async stop(timeoutMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Waits for a stdout line matching the pattern and returns the match; the rest of stdout is drained.
 * The deadline is a cap: tsx compiles the server on start, which takes tens of seconds on a loaded machine.
 */
export async function waitForLine(s: Spawned, pattern: RegExp, timeoutMs = 120_000): Promise<RegExpExecArray> {
  const out = s.child.stdout;
  if (!out) throw new Error('stdout not captured');
  let buf = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`timed out waiting for ${pattern}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      buf += chunk.toString();
      const m = pattern.exec(buf);
      if (m) {
        cleanup();
        out.on('data', () => {}); // keep draining so the child never blocks on a full pipe
        resolve(m);
      }
    };
    const onExit = (code: number | null) => fail(new Error(`process exited (${code}) before printing ${pattern}: ${buf.slice(-500)}`));
    const fail = (err: Error) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      clearTimeout(timer);
      out.off('data', onData);
      s.child.off('exit', onExit);
    };
    out.on('data', onData);
    s.child.once('exit', onExit);
  });
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

export { once };
