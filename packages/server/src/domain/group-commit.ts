/**
 * Group commit. Writes arriving in the same turn of the event loop (and while a commit
 * is in flight) are stored in one transaction, then acknowledged and fanned out — in
 * that order: nothing is acknowledged or shown before its commit (DESIGN.md invariant 2).
 * Batches are fanned out in the order they were committed. One batch is in flight at a
 * time, and the next is handed to the store as soon as the previous one committed,
 * unless the store orders writes itself: then up to maxInFlight wait there at once.
 * Used for sends and for delivered/read watermarks, the two writes every message causes.
 *
 * A commit the store has not answered within the deadline fails its batch with a
 * retryable UNAVAILABLE, and the queue moves on. Without it one commit the store never
 * settles (a driver that lost it with its connection) would hold every later write of
 * the queue forever, while the node still looked healthy. If that commit does land
 * later, nothing was acknowledged for it: the sender's retry finds it by its
 * clientMessageId (exactly once), and receivers fetch it by sequence number.
 */
import { StoreError } from '../store/port';

/** Long enough for any real commit (lock waits, a checkpoint), short enough to recover. */
const COMMIT_DEADLINE_MS = 15_000;

export interface GroupCommitOptions<I, R> {
  /** Called after each commit, before the submitters' promises resolve. */
  afterCommit?: (results: readonly R[], items: readonly I[]) => void;
  /**
   * Batches handed to the store at once. 1 unless the store applies write calls in the
   * order they are made (the SQLite writer thread): then a later batch can never commit
   * ahead of an earlier one, and handing it over at once keeps the store busy.
   */
  maxInFlight?: number;
  /** See the file comment; default COMMIT_DEADLINE_MS. */
  deadlineMs?: number;
}

type Outcome<R> = { ok: true; results: R[] } | { ok: false; error: unknown };

interface Pending<I, R> {
  item: I;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export class GroupCommit<I, R> {
  private queue: Pending<I, R>[] = [];
  private scheduled = false;
  private inFlight = 0;
  /** Settles after the last started batch was finished. */
  private finished: Promise<void> = Promise.resolve();
  /** Items submitted and items settled so far; FIFO, so the first `settled` submitted are done. */
  private submitted = 0;
  private settled = 0;
  private idleWaiters: { upTo: number; resolve: () => void }[] = [];

  private readonly afterCommit: (results: readonly R[], items: readonly I[]) => void;
  private readonly maxInFlight: number;
  private readonly deadlineMs: number;

  constructor(
    /** Stores every item in one transaction and returns one result per item, in order. */
    private readonly commit: (items: I[]) => Promise<R[]>,
    private readonly maxBatch: number,
    options: GroupCommitOptions<I, R> = {},
  ) {
    this.afterCommit = options.afterCommit ?? (() => {});
    this.maxInFlight = options.maxInFlight ?? 1;
    this.deadlineMs = options.deadlineMs ?? COMMIT_DEADLINE_MS;
  }

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
    if (this.scheduled || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /** Hands batches to the store while fewer than maxInFlight are there. */
  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.take();
      this.inFlight++;
      const outcome = this.start(batch);
      // Batches finish in the order they were started, whatever order their commits
      // settle in: fan-out follows commit order.
      this.finished = this.finished
        .then(() => outcome)
        .then((done) => {
          this.inFlight--;
          // The next commit starts before this one is acknowledged and fanned out, so the
          // store works on it meanwhile instead of waiting for this thread. Later batches
          // are finished after this one by the chain, even if they have committed already.
          this.pump();
          try {
            this.finish(batch, done);
          } catch (error) {
            // A throwing listener must not strand the batches behind it; it still surfaces.
            void Promise.reject(error);
          }
        });
    }
  }

  private take(): Pending<I, R>[] {
    return this.queue.splice(0, this.maxBatch);
  }

  private start(batch: Pending<I, R>[]): Promise<Outcome<R>> {
    let outcome: Promise<Outcome<R>>;
    try {
      outcome = this.commit(batch.map((p) => p.item)).then(
        (results) => ({ ok: true as const, results }),
        (error: unknown) => ({ ok: false as const, error }),
      );
    } catch (error) {
      return Promise.resolve({ ok: false as const, error });
    }
    return new Promise((resolve) => {
      const overdue = setTimeout(() => {
        resolve({ ok: false, error: new StoreError('UNAVAILABLE', `the store did not answer a commit within ${this.deadlineMs} ms`) });
      }, this.deadlineMs);
      void outcome.then((done) => {
        clearTimeout(overdue);
        resolve(done);
      });
    });
  }

  private finish(batch: Pending<I, R>[], done: Outcome<R>): void {
    if (!done.ok) {
      // Rolled back (nothing stored) or past its deadline (see the file comment): nobody is acknowledged.
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

/**
 * How many batches a group commit may hand to this store at once. A store that applies
 * writes in order (SQLite's writer thread) takes several: while it commits one, the next
 * ones wait in its queue and it merges them into its next transaction, so it never waits
 * for this thread between commits. Others take one: on PostgreSQL a second batch would
 * run beside the first on another connection and wait for its row locks.
 */
export function batchesInFlight(store: { writesInOrder: boolean }): number {
  return store.writesInOrder ? 4 : 1;
}
