/**
 * The SQLite store for a file database: writes on a writer thread, reads on the main
 * thread.
 *
 * better-sqlite3 is synchronous, so with one connection every commit — and with
 * synchronous=FULL its fsync — stopped the event loop: no socket was read or written
 * while a batch was committed (issue 5's profile: the write path was ≈70 % of the main
 * thread's time). Here a worker thread owns the writing connection (writer-worker.ts):
 * the main thread hands it a batch and goes on serving sockets, collecting the next
 * batch meanwhile, so batches grow with load instead of the loop stalling.
 *
 * Reads stay on the main thread's own connection, query-only: in WAL mode a reader never
 * waits for the writer, a history page costs no thread hop, and a write resolves only
 * after its commit, so a read started after it sees it. Acknowledgements are unchanged:
 * a send is acked when the writer thread reports its commit.
 *
 * ':memory:' databases cannot be shared between connections, so they keep the
 * single-connection store (sqlite-store.ts).
 */
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { StoreError, type Store } from '../port';
import { Checkpointer } from './checkpointer';
import { openSqliteStore, type SqliteStoreOptions } from './sqlite-store';
import { BACKGROUND_CHECKPOINT_MS, deserializeError, WRITE_METHODS, type SubPort, type WriterReply, type WriterRequest, type WriterStartup, type WriterOptions } from './writer-protocol';

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void };
type Call = { kind: 'call'; port: 'store' | SubPort; method: string; args: unknown[] } | { kind: 'ping' } | { kind: 'close' };

const SUB_PORTS: readonly SubPort[] = ['attachments', 'search', 'privacy', 'maintenance', 'moderation', 'notifications'];

/**
 * How a writer died: the thread's uncaught error, or else its exit code. This is all
 * that reaches the log, never the calls the thread was serving.
 */
export type WriterDeath = { err: Error } | { exitCode: number };

/** The main thread's side of the writer thread. */
export class WriterThread {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private dead: Error | null = null;

  private stopping = false;

  private constructor(
    private readonly worker: Worker,
    /** Called once if the thread dies without being stopped (a crash, or terminated). */
    private readonly onDeath: (death: WriterDeath) => void,
  ) {
    worker.on('message', (reply: WriterReply) => this.settle(reply));
    // A crash emits 'error' and then 'exit': the first one is the cause.
    worker.on('error', (err: unknown) => this.fail({ err: err instanceof Error ? err : new Error(String(err)) }));
    worker.on('exit', (exitCode) => this.fail({ exitCode }));
    worker.unref();
  }

  static async start(opts: WriterOptions, onDeath: (death: WriterDeath) => void): Promise<WriterThread> {
    const worker = new Worker(new URL('./writer-thread.mjs', import.meta.url), { workerData: opts });
    let listeners: { message: (m: WriterStartup) => void; error: (e: Error) => void; exit: (code: number) => void } | undefined;
    const startup = await new Promise<WriterStartup>((resolve, reject) => {
      listeners = { message: resolve, error: reject, exit: (code) => reject(new Error(`writer thread exited during start-up (${code})`)) };
      worker.once('message', listeners.message).once('error', listeners.error).once('exit', listeners.exit);
    }).finally(() => {
      // Only our own: the Worker keeps internal listeners of its own.
      if (listeners) worker.off('message', listeners.message).off('error', listeners.error).off('exit', listeners.exit);
    });
    if (startup.kind === 'failed') {
      await worker.terminate();
      throw deserializeError(startup.error);
    }
    return new WriterThread(worker, onDeath);
  }

  call(req: Call): Promise<unknown> {
    if (this.dead) return Promise.reject(new StoreError('UNAVAILABLE', 'storage writer stopped', { cause: this.dead }));
    const id = this.nextId++;
    // Referenced only while a call is outstanding: an idle writer must not keep a CLI
    // command's process alive, a pending write must.
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        this.worker.postMessage({ ...req, id } as WriterRequest);
      } catch (err) {
        // Arguments that cannot be copied to the thread (DataCloneError): nothing was sent.
        this.settle({ id, ok: false, error: { name: 'Error', message: err instanceof Error ? err.message : String(err) } });
      }
    });
  }

  /** For tests: the thread dies as in a crash. */
  kill(): Promise<number> {
    return this.worker.terminate();
  }

  async stop(): Promise<void> {
    if (this.dead) return;
    this.stopping = true;
    await this.call({ kind: 'close' }).catch(() => {});
    this.dead = new Error('closed');
    await this.worker.terminate();
  }

  private settle(reply: WriterReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.ok) p.resolve(reply.value);
    else p.reject(deserializeError(reply.error));
  }

  /** The thread is gone: whatever it had not answered may or may not have committed. */
  private fail(death: WriterDeath): void {
    if (this.dead) return;
    const err = 'err' in death ? death.err : new Error(`writer thread exited (${death.exitCode})`);
    this.dead = err;
    if (!this.stopping) this.onDeath(death);
    for (const p of this.pending.values()) p.reject(new StoreError('UNAVAILABLE', 'storage writer stopped', { cause: err }));
    this.pending.clear();
  }
}

const DEFAULT_MIN_FREE_BYTES = 64 * 1024 * 1024;

/** Throws UNAVAILABLE when the file system holding `file` has less than `min` bytes free. */
async function assertFreeSpace(file: string, min: number): Promise<void> {
  if (min <= 0) return;
  let free: number;
  try {
    const fs = await statfs(path.dirname(path.resolve(file)));
    free = fs.bavail * fs.bsize;
  } catch {
    return; // no statfs here: the write path still reports SQLITE_FULL as UNAVAILABLE
  }
  if (free < min) throw new StoreError('UNAVAILABLE', 'storage full');
}

/** The store's writer thread, for tests that crash it. */
export const WRITER = Symbol('writer');

export interface ThreadedSqliteStoreOptions extends SqliteStoreOptions {
  /**
   * ping() fails UNAVAILABLE ("storage full") while the database's file system has less
   * free space than this, bytes (default 64 MiB; 0: no check), so /readyz says not ready
   * before writes start failing with SQLITE_FULL, and again once space returns.
   */
  minFreeBytes?: number;
  /** Where the writer's deaths and restarts are reported (the node's logger). */
  log?: Pick<Logger, 'error' | 'warn' | 'info'>;
  /** Background WAL checkpoints this often (checkpointer.ts); 0: only the writer's own. */
  backgroundCheckpointMs?: number;
}

export async function openThreadedSqliteStore(opts: ThreadedSqliteStoreOptions): Promise<Store & { [WRITER]: () => WriterThread }> {
  const writerOptions: WriterOptions = { path: opts.path, synchronous: opts.synchronous ?? 'FULL', busyTimeoutMs: opts.busyTimeoutMs };
  const { log, backgroundCheckpointMs, minFreeBytes, ...sqliteOptions } = opts;
  let closed = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let attempt = 0;
  const backoffMs = (n: number): number => Math.min(30_000, 250 * 2 ** n);
  // A writer that dies (a crash, out of memory) is started again, with back-off: calls
  // meanwhile fail UNAVAILABLE (retryable; a send retried with its clientMessageId is
  // stored once) and /readyz says not ready, instead of the node staying broken. Each
  // step is logged: the death at error, a failed attempt at warn, the recovery at info.
  const restartLater = (): void => {
    if (closed || restartTimer) return;
    const delay = backoffMs(attempt++);
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      WriterThread.start(writerOptions, onDeath).then(
        (fresh) => {
          if (closed) return void fresh.stop();
          writer = fresh;
          log?.info({ attempts: attempt }, 'storage writer running again');
          attempt = 0;
        },
        (err: unknown) => {
          if (closed) return;
          log?.warn({ err, attempt, retryInMs: backoffMs(attempt) }, 'storage writer restart failed');
          restartLater();
        },
      );
    }, delay);
    restartTimer.unref();
  };
  const onDeath = (death: WriterDeath): void => {
    log?.error(death, 'storage writer died; writes fail UNAVAILABLE until it is restarted');
    restartLater();
  };

  // The writer opens the file first: it creates it, sets WAL and migrates.
  let writer = await WriterThread.start(writerOptions, onDeath);
  let local: Store;
  let checkpointer: Checkpointer | null = null;
  try {
    local = openSqliteStore({ ...sqliteOptions, queryOnly: true });
  } catch (err) {
    closed = true;
    await writer.stop();
    throw err;
  }
  const everyMs = backgroundCheckpointMs ?? BACKGROUND_CHECKPOINT_MS;
  if (everyMs > 0) {
    checkpointer = await Checkpointer.start({ path: opts.path, synchronous: writerOptions.synchronous ?? 'FULL', everyMs }, log).catch((err: unknown) => {
      log?.warn({ err }, 'checkpointer thread did not start; the writer checkpoints alone');
      return null;
    });
  }

  const route = <T extends object>(port: 'store' | SubPort, readSide: T): T => {
    const routed: Record<string, unknown> = {};
    for (const name of WRITE_METHODS[port]) routed[name] = (...args: unknown[]) => writer.call({ kind: 'call', port, method: name, args });
    return { ...readSide, ...routed } as T;
  };

  const store = {
    ...route('store', local),
    ...Object.fromEntries(SUB_PORTS.map((p) => [p, route(p, local[p])])),
    backend: 'sqlite',
    // One port to one writer thread, which runs the calls in arrival order.
    writesInOrder: true,
    async ping() {
      await local.ping();
      await writer.call({ kind: 'ping' });
      await assertFreeSpace(opts.path, minFreeBytes ?? DEFAULT_MIN_FREE_BYTES);
    },
    async close() {
      closed = true;
      clearTimeout(restartTimer);
      await checkpointer?.stop();
      await writer.stop();
      await local.close();
    },
    [WRITER]: () => writer,
  } as Store & { [WRITER]: () => WriterThread };
  return store;
}
