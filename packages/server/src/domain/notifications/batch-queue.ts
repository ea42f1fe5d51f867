/**
 * Work taken off a hot path: items are queued synchronously and handled in batches by
 * one async worker, so the caller never waits and the handler sees many items per call
 * (one transaction for many notifications). Bounded: past `capacity` the oldest items
 * are dropped and counted — notifications are best effort, the conversation log is the
 * record.
 */
export class BatchQueue<T> {
  private items: T[] = [];
  private running: Promise<void> | null = null;
  dropped = 0;

  constructor(
    private readonly handle: (batch: T[]) => Promise<void>,
    private readonly opts: { batchMax: number; capacity: number; onError: (err: unknown) => void },
  ) {}

  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.opts.capacity) {
      const over = this.items.length - this.opts.capacity;
      this.items.splice(0, over);
      this.dropped += over;
    }
    this.running ??= this.drain();
  }

  /** Resolves once every item queued so far was handled. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    // Let the rest of this tick queue its items first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      while (this.items.length > 0) {
        const batch = this.items.splice(0, this.opts.batchMax);
        try {
          await this.handle(batch);
        } catch (err) {
          this.opts.onError(err);
        }
      }
    } finally {
      this.running = null;
    }
  }
}
