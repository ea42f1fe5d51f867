/**
 * Group commit. Sends arriving in the same turn of the event loop (and while a commit
 * is in flight) are stored in one transaction, then acknowledged and fanned out — in
 * that order: nothing is acknowledged or shown before its commit (DESIGN.md invariant 2).
 * One batch is in flight at a time, so fan-out follows commit order on this node.
 */
import type { SendInput, SendResult, Store } from '../store/port';

interface Pending {
  input: SendInput;
  resolve: (r: SendResult) => void;
  reject: (e: unknown) => void;
}

export class SendBatcher {
  private queue: Pending[] = [];
  private flushing = false;
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly maxBatch: number,
    /** Called after each commit with the batch's results, before the senders' promises resolve. */
    private readonly afterCommit: (results: readonly SendResult[], batchSize: number) => void,
  ) {}

  submit(input: SendInput): Promise<SendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every submitted send has been committed or failed (used when draining). */
  idle(): Promise<void> {
    if (!this.flushing && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        let results: SendResult[];
        try {
          results = await this.store.appendMessages(batch.map((p) => p.input));
        } catch (err) {
          // The whole transaction rolled back: nothing was stored, nobody is acknowledged.
          for (const p of batch) p.reject(err);
          continue;
        }
        try {
          this.afterCommit(results, batch.length);
        } finally {
          batch.forEach((p, i) => p.resolve(results[i]!));
        }
      }
    } finally {
      this.flushing = false;
      if (this.queue.length > 0) this.schedule();
      else for (const w of this.idleWaiters.splice(0)) w();
    }
  }
}
