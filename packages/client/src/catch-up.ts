/**
 * Catch-up: turns pushes and sync answers into the ordered, exactly-once stream the
 * app sees. Pushes go through the sequencer; a gap (or a conversation not held yet)
 * schedules a sync, debounced so a burst of out-of-order pushes costs one request.
 * Syncs never overlap: a request for one while another runs makes the running one
 * go round again when it finishes.
 */
import type { PushFrame, SyncRequest, SyncResponse } from '@parley/protocol';
import { Sequencer, type Released, type SyncMode } from './sequencer';

/** A safety net: a server that keeps answering hasMore cannot spin the client forever. */
const MAX_ROUNDS = 10_000;

export interface CatchUpDeps {
  sequencer: Sequencer;
  /** Sends one sync request over the live connection. */
  sync(req: SyncRequest): Promise<SyncResponse>;
  /** Where released items go, in order. */
  release(released: Released): void;
  /** Other pushes (typing, presence) pass straight through. */
  passThrough(frame: Extract<PushFrame, { type: 'typing' | 'presence' | 'user' }>): void;
  /** Whether a sync can be sent now; scheduled syncs wait for the next connection otherwise. */
  isOnline(): boolean;
  debounceMs?: number;
  /** After a failed gap sync while still online, wait this long before trying again. */
  retryDelayMs?: number;
}

export class CatchUp {
  private running: Promise<void> | null = null;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly deps: CatchUpDeps) {}

  onPush(frame: PushFrame): void {
    const seq = this.deps.sequencer;
    switch (frame.type) {
      case 'event': {
        const { events, needsSync } = seq.pushEvent(frame.event);
        this.emit({ events });
        if (needsSync) this.schedule();
        return;
      }
      case 'user_event': {
        const { userEvents, needsSync } = seq.pushUserEvent(frame.event);
        this.emit({ userEvents });
        if (needsSync) this.schedule();
        return;
      }
      case 'receipts':
        this.emit({ receipts: seq.pushReceipts(frame).receipts });
        return;
      case 'typing':
      case 'presence':
      case 'user':
        this.deps.passThrough(frame);
        return;
    }
  }

  /**
   * Syncs until the server has nothing more for this client. The first sync of a
   * client that never synced fetches heads only (its baseline); every later one
   * fetches the events after what it holds.
   */
  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.cancelTimer();
    const p = this.loop().finally(() => {
      if (this.running === p) this.running = null;
    });
    this.running = p;
    return p;
  }

  /** Debounced sync for a detected gap. */
  schedule(delayMs = this.deps.debounceMs ?? 50): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.deps.isOnline()) return; // the next connection syncs anyway
      // Pushes from two nodes can arrive out of order: the missing one usually comes
      // within the debounce, and then there is nothing left to ask the server for.
      if (!this.deps.sequencer.hasGaps) return;
      this.run().catch(() => {
        // The connection probably dropped (reconnect syncs); if not, try again later.
        if (this.deps.isOnline() && this.deps.sequencer.hasGaps) this.schedule(this.deps.retryDelayMs ?? 1000);
      });
    }, delayMs);
  }

  /** Forgets scheduled work; a sync still running fails with its connection and is not joined by later runs. */
  stop(): void {
    this.cancelTimer();
    this.again = false;
    this.running = null;
  }

  private async loop(): Promise<void> {
    const seq = this.deps.sequencer;
    let gapRounds = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      this.again = false;
      const mode: SyncMode = seq.needsBaseline ? 'heads' : 'events';
      const res = await this.deps.sync(seq.syncRequest(mode));
      const applied = seq.applySync(res, mode);
      this.emit(applied);
      if (applied.more || this.again) continue;
      // Gaps left after a complete answer mean pushes raced ahead of it: go again, a
      // bounded number of times (a later push schedules another sync anyway).
      if (!seq.hasGaps || ++gapRounds > 2) return;
    }
  }

  private emit(r: Partial<Released>): void {
    const released: Released = { events: r.events ?? [], userEvents: r.userEvents ?? [], receipts: r.receipts ?? [], removed: r.removed ?? [] };
    if (released.events.length || released.userEvents.length || released.receipts.length || released.removed.length) {
      this.deps.release(released);
    }
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
