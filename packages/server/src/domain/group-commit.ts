/**
 * Group commit. Writes arriving in the same turn of the event loop (and while a commit
 * is in flight) are stored in one transaction, then acknowledged and fanned out — in
 * that order: nothing is acknowledged or shown before its commit (DESIGN.md invariant 2).
 * One batch is in flight at a time, so fan-out follows commit order on this node.
 * Used for sends and for delivered/read watermarks, the two writes every message causes.
 */
interface Pending<I, R> {
  item: I;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export class GroupCommit<I, R> {
  private queue: Pending<I, R>[] = [];
  private flushing = false;
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    /** Stores every item in one transaction and returns one result per item, in order. */
    private readonly commit: (items: I[]) => Promise<R[]>,
    private readonly maxBatch: number,
    /** Called after each commit, before the submitters' promises resolve. */
    private readonly afterCommit: (results: readonly R[], items: readonly I[]) => void = () => {},
  ) {}

  submit(item: I): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every submitted item has been committed or failed (used when draining). */
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
        const items = batch.map((p) => p.item);
        let results: R[];
        try {
          results = await this.commit(items);
        } catch (err) {
          // The whole transaction rolled back: nothing was stored, nobody is acknowledged.
          for (const p of batch) p.reject(err);
          continue;
        }
        try {
          this.afterCommit(results, items);
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
