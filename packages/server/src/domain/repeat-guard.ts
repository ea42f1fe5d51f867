/**
 * The repeated-message rule: the same body from the same user more than `max` times
 * within `windowMs`, across conversations, is refused.
 *
 * Counted per DISTINCT clientMessageId: a retry of a send (the SDK's outbox resends the
 * same id) is never a repeat. State is per node and bounded: a user spreading copies
 * over N nodes can get up to N * max through, but never a false refusal, since a node
 * can only under-count. (Frequency itself is the shared send rate limit's job.)
 *
 * Reservations are taken at check time, so concurrent copies cannot all slip through,
 * and released when the send fails, so refused or failed sends do not count.
 */
// One-shot hash: half the cost of createHash().update().digest() for short strings.
import { hash } from 'node:crypto';
import type { ClientMessageId, UserId } from '@parley/protocol';

export interface RepeatGuardConfig {
  max: number;
  windowMs: number;
  /** Most (user, body) entries kept; the oldest are dropped first. */
  maxEntries?: number;
}

type Seen = Map<ClientMessageId, number>;

export class RepeatGuard {
  private readonly entries = new Map<string, Seen>();
  private readonly maxEntries: number;

  constructor(private readonly config: RepeatGuardConfig) {
    this.maxEntries = config.maxEntries ?? 100_000;
  }

  /**
   * Reserves this send; returns false (nothing reserved) when it would be one repeat
   * too many. A clientMessageId already counted is always admitted.
   */
  admit(senderId: UserId, body: string, clientMessageId: ClientMessageId, now: number): { ok: boolean; release: () => void } {
    const key = `${senderId}\n${digest(body)}`;
    let seen = this.entries.get(key);
    if (seen) {
      for (const [id, at] of seen) if (now - at >= this.config.windowMs) seen.delete(id);
      // Re-insert so the map's order stays "least recently used first".
      this.entries.delete(key);
    } else {
      seen = new Map();
    }
    this.entries.set(key, seen);
    this.evict();
    if (seen.has(clientMessageId)) return { ok: true, release: () => {} };
    if (seen.size >= this.config.max) {
      if (seen.size === 0) this.entries.delete(key);
      return { ok: false, release: () => {} };
    }
    seen.set(clientMessageId, now);
    const entry = seen;
    return {
      ok: true,
      release: () => {
        entry.delete(clientMessageId);
        if (entry.size === 0 && this.entries.get(key) === entry) this.entries.delete(key);
      },
    };
  }

  private evict(): void {
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) return;
      this.entries.delete(oldest);
    }
  }
}

/** Copies that differ only in case or spacing are the same body. */
function digest(body: string): string {
  return hash('sha256', body.trim().toLowerCase().replace(/\s+/g, ' '), 'base64url');
}
