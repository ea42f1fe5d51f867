/**
 * Where the ordered stream meets the app: released items (from catch-up) become the
 * client's events, received messages are acknowledged as delivered in batches, and
 * typing is throttled. Delivered marks made offline wait for the next connection (there
 * is no REST route for them): the newest mark per conversation is kept.
 */
import type { ConversationId, UserId } from '@parley/protocol';
import type { ClientEvents } from './client-events';
import { isConnectionLoss } from './client-support';
import type { Connection } from './connection';
import type { Emitter } from './emitter';
import type { Released } from './sequencer';

/** A 'start' typing frame is sent at most this often per conversation. */
const TYPING_THROTTLE_MS = 3000;
/** Received messages are acknowledged as delivered in batches, at most this often. */
const DELIVERED_BATCH_MS = 100;

export interface EventDispatchDeps {
  emitter: Emitter<ClientEvents>;
  /** Send 'delivered' for received messages. */
  autoDelivered: boolean;
  me(): UserId | undefined;
  /** The socket when online, else null. */
  onlineConn(): Connection | null;
  /** Sees every released batch before the app does (the offline cache keeps its cursors from it). */
  onReleased?(r: Released): void;
}

export class EventDispatch {
  private readonly typingSentAt = new Map<ConversationId, number>();
  private readonly deliveredPending = new Map<ConversationId, number>();
  private readonly deliveredSent = new Map<ConversationId, number>();
  private deliveredTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly deps: EventDispatchDeps) {}

  release(r: Released): void {
    for (const id of r.removed) {
      this.deliveredSent.delete(id);
      this.deliveredPending.delete(id);
      this.typingSentAt.delete(id);
    }
    this.deps.onReleased?.(r);
    const me = this.deps.me();
    const { emitter } = this.deps;
    for (const e of r.events) {
      emitter.emit('event', e);
      if (this.deps.autoDelivered && e.type === 'message.created' && e.message.senderId !== me) {
        this.deliveredPending.set(e.conversationId, Math.max(e.seq, this.deliveredPending.get(e.conversationId) ?? 0));
      }
    }
    for (const receipt of r.receipts) emitter.emit('receipt', receipt);
    for (const e of r.userEvents) emitter.emit('userEvent', e);
    if (this.deliveredPending.size > 0 && !this.deliveredTimer && this.deps.onlineConn()) {
      this.deliveredTimer = setTimeout(() => {
        this.deliveredTimer = null;
        this.flushDelivered();
      }, DELIVERED_BATCH_MS);
    }
  }

  /** Fire and forget; 'start' is sent at most every 3 s per conversation, 'stop' only after a 'start'. */
  typing(conversationId: ConversationId, state: 'start' | 'stop'): void {
    const conn = this.deps.onlineConn();
    if (!conn) return;
    const now = Date.now();
    if (state === 'start') {
      if (now - (this.typingSentAt.get(conversationId) ?? -Infinity) < TYPING_THROTTLE_MS) return;
      this.typingSentAt.set(conversationId, now);
    } else {
      if (!this.typingSentAt.delete(conversationId)) return;
    }
    conn.request('typing', { conversationId, state }).catch(() => {});
  }

  async markDelivered(conversationId: ConversationId, seq: number): Promise<void> {
    if (seq <= (this.deliveredSent.get(conversationId) ?? 0)) return;
    const conn = this.deps.onlineConn();
    if (!conn) {
      this.deliveredPending.set(conversationId, Math.max(seq, this.deliveredPending.get(conversationId) ?? 0));
      return;
    }
    try {
      await conn.request('delivered', { conversationId, seq });
      this.deliveredSent.set(conversationId, Math.max(seq, this.deliveredSent.get(conversationId) ?? 0));
    } catch (err) {
      if (!isConnectionLoss(err)) throw err;
      this.deliveredPending.set(conversationId, Math.max(seq, this.deliveredPending.get(conversationId) ?? 0));
    }
  }

  /** Sends the delivered marks that waited (called when the connection is online again). */
  flushDelivered(): void {
    const pending = [...this.deliveredPending];
    this.deliveredPending.clear();
    for (const [id, seq] of pending) this.markDelivered(id, seq).catch(() => {});
  }

  /** The run stopped: nothing is sent until the next connection. */
  stop(): void {
    if (this.deliveredTimer) clearTimeout(this.deliveredTimer);
    this.deliveredTimer = null;
  }

  /** Another user, or none: forget this one's marks. */
  reset(): void {
    this.stop();
    this.typingSentAt.clear();
    this.deliveredPending.clear();
    this.deliveredSent.clear();
  }
}
