/**
 * Coalesces watermark changes per conversation over a short window into one push.
 * Without it, a group of M members where everyone acks every message costs M² frames
 * per message; with it, at most one frame per conversation per window, holding the
 * newest receipt of each member that changed.
 */
import type { ConversationId, Receipt, UserId } from '@parley/protocol';
import type { Fanout } from './fanout';

interface Pending {
  /** The receiptsVersion just before the oldest change in this window. */
  fromVersion: number;
  byUser: Map<UserId, Receipt>;
}

export class ReceiptCoalescer {
  private readonly pending = new Map<ConversationId, Pending>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly fanout: Fanout,
    private readonly windowMs = 100,
  ) {}

  add(receipt: Receipt): void {
    let p = this.pending.get(receipt.conversationId);
    if (!p) this.pending.set(receipt.conversationId, (p = { fromVersion: receipt.receiptsVersion - 1, byUser: new Map() }));
    p.fromVersion = Math.min(p.fromVersion, receipt.receiptsVersion - 1);
    const prev = p.byUser.get(receipt.userId);
    if (!prev || prev.receiptsVersion < receipt.receiptsVersion) p.byUser.set(receipt.userId, receipt);
    this.timer ??= setTimeout(() => this.flush(), this.windowMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batches = [...this.pending];
    this.pending.clear();
    for (const [id, p] of batches) this.fanout.receipts(id, p.fromVersion, [...p.byUser.values()]);
  }
}
