/**
 * Collects what is asked during one turn of the event loop and hands it over at once
 * when the turn ends (setImmediate runs after the I/O callbacks of the turn). The Redis
 * adapters use it to write a turn's commands as one pipeline: one socket write and one
 * read instead of one of each per command, which cost a sixth of a node's CPU at load.
 * The wait it adds is the rest of the current turn.
 */
export class TurnBatch<T> {
  private items: T[] = [];
  private scheduled = false;

  constructor(private readonly flush: (items: T[]) => void) {}

  add(item: T): void {
    this.items.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.drain);
  }

  /** Hands over what is queued now (at the end of the turn, or before closing). */
  readonly drain = (): void => {
    this.scheduled = false;
    if (this.items.length === 0) return;
    const items = this.items;
    this.items = [];
    this.flush(items);
  };
}
