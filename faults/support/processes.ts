/**
 * Child processes owned by a fault suite: started here, stopped only by their own pid,
 * and always reaped (a test that fails half way still leaves nothing running).
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import net from 'node:net';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface OwnedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves when the process has exited (at once if it already has). */
  readonly exited: Promise<Exit>;
  readonly running: boolean;
  signal(sig: NodeJS.Signals): void;
  /** SIGKILL and wait for the exit; does nothing for a process that is gone. */
  kill(): Promise<Exit>;
}

/** Spawns `cmd` with stdout and stderr appended to `logFile`. */
export function spawnOwned(cmd: string, args: string[], opts: SpawnOptions & { logFile: string }): OwnedProcess {
  const log: WriteStream = createWriteStream(opts.logFile, { flags: 'a' });
  const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  let running = true;
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    });
    child.once('error', () => {
      running = false;
      resolve({ code: null, signal: null });
    });
  });
  void exited.then(() => setTimeout(() => log.end(), 100));
  return {
    child,
    pid: child.pid ?? -1,
    exited,
    get running() {
      return running;
    },
    signal(sig) {
      if (running) child.kill(sig);
    },
    async kill() {
      if (running) child.kill('SIGKILL');
      return exited;
    },
  };
}

/** A port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Thrown by a waitFor check to stop waiting at once (the awaited thing cannot happen any more). */
export class GiveUp extends Error {}

/** Polls `check` until it returns true; throws naming `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let ok = false;
    try {
      ok = await check();
    } catch (err) {
      if (err instanceof GiveUp) throw err;
      ok = false;
    }
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
