/**
 * The client's view of "what have I applied": per conversation the highest seq and
 * receiptsVersion, and the per-user userSeq. Pure state, no I/O, so it is tested
 * exhaustively on its own.
 *
 * Guarantees, whatever order pushes and sync results arrive in (duplicated, reordered,
 * some dropped and later recovered by sync):
 * - every conversation event is released exactly once, in seq order, with no gap;
 * - every user event is released exactly once, in userSeq order, with no gap;
 * - a receipt is released only when it is newer than the last one released for that member.
 * When something cannot be released yet (a gap, or a conversation not held yet), the
 * caller is told a sync is needed; the sync result fills the gap and drains the buffer.
 */
import type { ConversationEvent, ConversationId, Receipt, SyncRequest, SyncResponse, UserEvent, UserId } from '@parley/protocol';

/** Events held back waiting for a gap to fill. Beyond this the sync re-fetches them anyway. */
const BUFFER_MAX = 1000;

interface ConversationState {
  /**
   * false while the conversation was only seen in a push: its baseline is unknown
   * until a sync answers for it, so its events are buffered, not released.
   */
  known: boolean;
  seq: number;
  receiptsVersion: number;
  buffer: Map<number, ConversationEvent>;
  /** Last released receipt version per member, so stale or repeated receipts are dropped. */
  receipts: Map<UserId, number>;
}

export type SyncMode = 'heads' | 'events';

export interface Released {
  events: ConversationEvent[];
  userEvents: UserEvent[];
  receipts: Receipt[];
  /** Conversations the server says I no longer belong to; their state is dropped. */
  removed: ConversationId[];
}

export interface SyncApplied extends Released {
  /** The server has more for this client: sync again with the (updated) held state. */
  more: boolean;
}

export class Sequencer {
  private readonly conversations = new Map<ConversationId, ConversationState>();
  private heldUserSeq = 0;
  private readonly userBuffer = new Map<number, UserEvent>();
  private baselined = false;

  /** Highest applied seq of a conversation (0 when not held). */
  held(id: ConversationId): number {
    const st = this.conversations.get(id);
    return st?.known ? st.seq : 0;
  }

  receiptsVersion(id: ConversationId): number {
    const st = this.conversations.get(id);
    return st?.known ? st.receiptsVersion : 0;
  }

  get userSeq(): number {
    return this.heldUserSeq;
  }

  /**
   * The next sync should fetch heads only: this client has never synced, so it sets
   * its baseline without downloading history.
   */
  get needsBaseline(): boolean {
    return !this.baselined;
  }

  /** True when something is buffered or unheld: a sync would release more. */
  get hasGaps(): boolean {
    if (this.userBuffer.size > 0) return true;
    for (const st of this.conversations.values()) if (!st.known || st.buffer.size > 0) return true;
    return false;
  }

  /** The request that asks for exactly what this client is missing. */
  syncRequest(mode: SyncMode): SyncRequest {
    const conversations: { id: ConversationId; seq: number; receiptsVersion: number }[] = [];
    for (const [id, st] of this.conversations) {
      if (st.known) conversations.push({ id, seq: st.seq, receiptsVersion: st.receiptsVersion });
      // A conversation only seen in a push: from the start, so nothing is missed.
      // (In heads mode it is left unnamed: the heads answer gives its baseline.)
      else if (mode === 'events') conversations.push({ id, seq: 0, receiptsVersion: 0 });
    }
    return { conversations, userSeq: this.heldUserSeq, unknown: mode };
  }

  /** A pushed conversation event. */
  pushEvent(event: ConversationEvent): { events: ConversationEvent[]; needsSync: boolean } {
    let st = this.conversations.get(event.conversationId);
    if (!st) {
      st = newState(false);
      this.conversations.set(event.conversationId, st);
    }
    if (!st.known) {
      bufferEvent(st, event);
      return { events: [], needsSync: true };
    }
    if (event.seq <= st.seq) return { events: [], needsSync: false };
    const events: ConversationEvent[] = [];
    if (event.seq === st.seq + 1) {
      st.seq = event.seq;
      events.push(event);
      drain(st, events);
    } else {
      bufferEvent(st, event);
    }
    return { events, needsSync: st.buffer.size > 0 };
  }

  /** A pushed user event (my own changes, from any of my devices). */
  pushUserEvent(event: UserEvent): { userEvents: UserEvent[]; needsSync: boolean } {
    if (!this.baselined) {
      this.bufferUserEvent(event);
      return { userEvents: [], needsSync: true };
    }
    if (event.userSeq <= this.heldUserSeq) return { userEvents: [], needsSync: false };
    const userEvents: UserEvent[] = [];
    if (event.userSeq === this.heldUserSeq + 1) {
      this.heldUserSeq = event.userSeq;
      userEvents.push(event);
      this.drainUser(userEvents);
    } else {
      this.bufferUserEvent(event);
    }
    return { userEvents, needsSync: this.userBuffer.size > 0 };
  }

  /**
   * A coalesced receipts push: every watermark change in (fromVersion, receiptsVersion].
   * When it starts at or before what we hold it closes the range, so the held version
   * jumps to its end; otherwise a push was missed and the next sync fills it in.
   */
  pushReceipts(frame: { conversationId: ConversationId; fromVersion: number; receiptsVersion: number; receipts: Receipt[] }): { receipts: Receipt[] } {
    const st = this.conversations.get(frame.conversationId);
    if (!st?.known) return { receipts: [] };
    const released = frame.receipts.filter((r) => releaseReceipt(st, r));
    if (frame.fromVersion <= st.receiptsVersion) st.receiptsVersion = Math.max(st.receiptsVersion, frame.receiptsVersion);
    return { receipts: released };
  }

  /** Applies one sync response obtained with a request from syncRequest(mode). */
  applySync(res: SyncResponse, mode: SyncMode): SyncApplied {
    const out: SyncApplied = { events: [], userEvents: [], receipts: [], removed: [], more: res.hasMore };
    for (const sc of res.conversations) {
      if (sc.removed) {
        if (this.conversations.delete(sc.id)) out.removed.push(sc.id);
        continue;
      }
      let st = this.conversations.get(sc.id);
      if (!st) {
        st = newState(false);
        this.conversations.set(sc.id, st);
      }
      const wasKnown = st.known;
      if (!wasKnown) {
        // Not named in the request: the answer starts from the beginning ('events')
        // or is only the head ('heads').
        st.known = true;
        st.seq = 0;
      }
      // Nothing before where my reading starts will ever come (a join to a group whose
      // history is shown from each member's join): that is not a gap.
      if (sc.visibleFromSeq !== undefined && st.seq < sc.visibleFromSeq - 1) st.seq = sc.visibleFromSeq - 1;
      for (const event of sc.events) {
        if (event.seq <= st.seq) continue;
        if (event.seq === st.seq + 1) {
          st.seq = event.seq;
          out.events.push(event);
        } else {
          bufferEvent(st, event);
        }
      }
      if (!wasKnown && mode === 'heads' && !sc.hasMore && st.seq < sc.lastSeq) {
        // The baseline: history before it is the app's to page in over REST.
        st.seq = sc.lastSeq;
      }
      drain(st, out.events);
      for (const receipt of sc.receipts ?? []) if (releaseReceipt(st, receipt)) out.receipts.push(receipt);
      // With a snapshot (or a fresh baseline), the server's version is the whole truth.
      if (sc.receipts !== undefined || !wasKnown) st.receiptsVersion = Math.max(st.receiptsVersion, sc.receiptsVersion);
      if (sc.hasMore) out.more = true;
    }

    for (const event of res.userEvents) {
      if (event.userSeq <= this.heldUserSeq) continue;
      if (event.userSeq === this.heldUserSeq + 1) {
        this.heldUserSeq = event.userSeq;
        out.userEvents.push(event);
      } else {
        this.bufferUserEvent(event);
      }
    }
    if (mode === 'heads' && !this.baselined && !res.hasMore && this.heldUserSeq < res.userSeq) {
      this.heldUserSeq = res.userSeq;
    }
    if (!res.hasMore) this.baselined = true;
    this.drainUser(out.userEvents);
    return out;
  }

  /**
   * Starts from saved cursors (the offline cache) instead of from nothing: the saved
   * conversations resume at their seqs, so the first sync (still a baseline, in heads
   * mode) returns the events after them, and heads for every other conversation. Only
   * on a sequencer that holds nothing yet; false (and no change) otherwise.
   */
  restore(cursors: { conversations: readonly { id: ConversationId; seq: number; receiptsVersion: number }[]; userSeq: number }): boolean {
    if (this.baselined || this.conversations.size > 0 || this.heldUserSeq > 0 || this.userBuffer.size > 0) return false;
    for (const c of cursors.conversations) {
      if (!(c.seq > 0)) continue;
      const st = newState(true);
      st.seq = c.seq;
      st.receiptsVersion = Math.max(0, c.receiptsVersion);
      this.conversations.set(c.id, st);
    }
    this.heldUserSeq = Math.max(0, cursors.userSeq);
    return true;
  }

  /** Forget everything (logout). */
  reset(): void {
    this.conversations.clear();
    this.userBuffer.clear();
    this.heldUserSeq = 0;
    this.baselined = false;
  }

  private bufferUserEvent(event: UserEvent): void {
    if (this.userBuffer.size < BUFFER_MAX) this.userBuffer.set(event.userSeq, event);
  }

  private drainUser(into: UserEvent[]): void {
    for (const seq of [...this.userBuffer.keys()]) if (seq <= this.heldUserSeq) this.userBuffer.delete(seq);
    for (let next = this.userBuffer.get(this.heldUserSeq + 1); next; next = this.userBuffer.get(this.heldUserSeq + 1)) {
      this.userBuffer.delete(next.userSeq);
      this.heldUserSeq = next.userSeq;
      into.push(next);
    }
  }
}

function newState(known: boolean): ConversationState {
  return { known, seq: 0, receiptsVersion: 0, buffer: new Map(), receipts: new Map() };
}

function bufferEvent(st: ConversationState, event: ConversationEvent): void {
  if (st.buffer.size < BUFFER_MAX || st.buffer.has(event.seq)) st.buffer.set(event.seq, event);
}

/** Releases buffered events that now follow the held seq, and drops ones already applied. */
function drain(st: ConversationState, into: ConversationEvent[]): void {
  for (const seq of [...st.buffer.keys()]) if (seq <= st.seq) st.buffer.delete(seq);
  for (let next = st.buffer.get(st.seq + 1); next; next = st.buffer.get(st.seq + 1)) {
    st.buffer.delete(next.seq);
    st.seq = next.seq;
    into.push(next);
  }
}

function releaseReceipt(st: ConversationState, receipt: Receipt): boolean {
  const last = st.receipts.get(receipt.userId);
  if (last !== undefined && receipt.receiptsVersion <= last) return false;
  st.receipts.set(receipt.userId, receipt.receiptsVersion);
  return true;
}
