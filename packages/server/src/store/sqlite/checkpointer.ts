/**
 * The main thread's side of the checkpointer thread (checkpoint-worker.ts). It is a
 * helper, not a part the store depends on: if it fails or dies, the writer's own
 * checkpoints keep the WAL bounded as before, so that is logged and nothing else.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { CheckpointerOptions } from './writer-protocol';

type FromCheckpointer = { kind: 'ready' } | { kind: 'closed' } | { kind: 'failed'; message: string };

export class Checkpointer {
  private stopping = false;
  private failures = 0;

  private constructor(
    private readonly worker: Worker,
    log: Pick<Logger, 'warn'> | undefined,
  ) {
    worker.on('message', (m: FromCheckpointer) => {
      // Logged at the first failure and then every 100th (one per 10 s at most), not 10 a second.
      if (m.kind === 'failed' && this.failures++ % 100 === 0) log?.warn({ failures: this.failures, reason: m.message }, 'background WAL checkpoint failed');
    });
    worker.on('error', (err) => log?.warn({ err }, 'checkpointer thread died; the writer checkpoints alone'));
    worker.on('exit', (exitCode) => {
      if (!this.stopping) log?.warn({ exitCode }, 'checkpointer thread exited; the writer checkpoints alone');
    });
    // Never what keeps a process alive.
    worker.unref();
  }

  static async start(opts: CheckpointerOptions, log?: Pick<Logger, 'warn'>): Promise<Checkpointer> {
    const worker = new Worker(new URL('./checkpoint-thread.mjs', import.meta.url), { workerData: opts });
    const started = await new Promise<true | { err: unknown }>((resolve) => {
      worker.once('message', () => resolve(true));
      worker.once('error', (err) => resolve({ err }));
      worker.once('exit', (code) => resolve({ err: new Error(`checkpointer thread exited during start-up (${code})`) }));
    });
    if (started !== true) {
      await worker.terminate();
      throw started.err;
    }
    return new Checkpointer(worker, log);
  }

  /** Closes its connection after the checkpoint under way, if any. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const closed = new Promise<void>((resolve) => {
      this.worker.on('message', (m: FromCheckpointer) => m.kind === 'closed' && resolve());
      this.worker.once('exit', () => resolve());
    });
    this.worker.postMessage({ kind: 'close' });
    await closed;
    await this.worker.terminate();
  }
}
