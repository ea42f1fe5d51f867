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
  /** Items submitted and items settled so far; FIFO, so the first `settled` submitted are done. */
  private submitted = 0;
  private settled = 0;
  private idleWaiters: { upTo: number; resolve: () => void }[] = [];

  constructor(
    /** Stores every item in one transaction and returns one result per item, in order. */
    private readonly commit: (items: I[]) => Promise<R[]>,
    private readonly maxBatch: number,
    /** Called after each commit, before the submitters' promises resolve. */
    private readonly afterCommit: (results: readonly R[], items: readonly I[]) => void = () => {},
  ) {}

  submit(item: I): Promise<R> {
    this.submitted++;
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Resolves once every item submitted before the call has been committed or failed
   * (used when draining). Items submitted later are not waited for: a node that keeps
   * receiving writes while it drains must still finish draining.
   */
  idle(): Promise<void> {
    const upTo = this.submitted;
    if (this.settled >= upTo) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push({ upTo, resolve }));
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
          this.settle(batch.length);
          continue;
        }
        try {
          this.afterCommit(results, items);
        } finally {
          batch.forEach((p, i) => p.resolve(results[i]!));
          this.settle(batch.length);
        }
      }
    } finally {
      this.flushing = false;
      if (this.queue.length > 0) this.schedule();
    }
  }

  private settle(count: number): void {
    this.settled += count;
    const ready = this.idleWaiters.filter((w) => w.upTo <= this.settled);
    if (ready.length === 0) return;
    this.idleWaiters = this.idleWaiters.filter((w) => w.upTo > this.settled);
    for (const w of ready) w.resolve();
  }
}
