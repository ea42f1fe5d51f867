/**
 * Group commit. Writes arriving in the same turn of the event loop (and while a commit
 * is in flight) are stored in one transaction, then acknowledged and fanned out — in
 * that order: nothing is acknowledged or shown before its commit (DESIGN.md invariant 2).
 * One batch is in flight at a time, so fan-out follows commit order on this node; the
 * next batch is handed to the store as soon as the previous one committed.
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
      let failure: { error: unknown } | null = null;
      let batch = this.take();
      if (batch.length === 0) return;
      let outcome = this.start(batch);
      while (batch.length > 0) {
        const done = await outcome;
        // The next commit starts before this one is acknowledged and fanned out, so the
        // store works on it meanwhile instead of waiting for this thread. Still one
        // commit in flight, and this batch is fanned out before control returns to the
        // event loop, so before the next commit can finish: fan-out keeps commit order.
        const committed = batch;
        batch = this.take();
        if (batch.length > 0) outcome = this.start(batch);
        try {
          this.finish(committed, done);
        } catch (error) {
          // A throwing listener must not strand the batch already in flight.
          failure ??= { error };
        }
      }
      if (failure) throw failure.error;
    } finally {
      this.flushing = false;
      if (this.queue.length > 0) this.schedule();
    }
  }

  private take(): Pending<I, R>[] {
    return this.queue.splice(0, this.maxBatch);
  }

  private start(batch: Pending<I, R>[]): Promise<{ ok: true; results: R[] } | { ok: false; error: unknown }> {
    try {
      return this.commit(batch.map((p) => p.item)).then(
        (results) => ({ ok: true as const, results }),
        (error: unknown) => ({ ok: false as const, error }),
      );
    } catch (error) {
      return Promise.resolve({ ok: false as const, error });
    }
  }

  private finish(batch: Pending<I, R>[], done: { ok: true; results: R[] } | { ok: false; error: unknown }): void {
    if (!done.ok) {
      // The whole transaction rolled back: nothing was stored, nobody is acknowledged.
      for (const p of batch) p.reject(done.error);
      this.settle(batch.length);
      return;
    }
    try {
      this.afterCommit(done.results, batch.map((p) => p.item));
    } finally {
      batch.forEach((p, i) => p.resolve(done.results[i]!));
      this.settle(batch.length);
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
