/**
 * Receiver-side accounting in one generator process: latency from each message's
 * planned send time, and per (receiver, sender, n) delivery counts from which the
 * coordinator derives lost and duplicated messages exactly.
 */
import { Histogram, nowUs } from '../core/histogram';
import type { CollectReply, DecodedBody, PhasePlan } from './protocol';

interface PhaseBook {
  capacity: Map<number, number>;
  counts: Map<number, Map<number, Uint8Array>>;
  hist: Histogram;
  deliveries: number;
  lastDeliveryUs: number;
}

export class ReceiverBook {
  private readonly phases = new Map<number, PhaseBook>();
  redelivered = 0;
  acks = 0;
  reconnects = 0;
  readonly errors: Record<string, number> = {};

  expect(plan: PhasePlan): void {
    this.phases.set(plan.phase, {
      capacity: new Map(plan.senders.map((s) => [s.sender, s.count])),
      counts: new Map(),
      hist: new Histogram(),
      deliveries: 0,
      lastDeliveryUs: 0,
    });
  }

  /** A message accepted by the receiving client `receiver` (after its seq filter). */
  record(receiver: number, m: DecodedBody): void {
    if (m.client === receiver) return; // the sender's own echo is not a delivery
    const now = nowUs();
    const book = this.phases.get(m.phase);
    if (!book) {
      this.error('UNKNOWN_PHASE');
      return;
    }
    const cap = book.capacity.get(m.sender);
    if (cap === undefined || m.n >= cap) {
      this.error('UNKNOWN_MESSAGE');
      return;
    }
    let bySender = book.counts.get(receiver);
    if (!bySender) book.counts.set(receiver, (bySender = new Map()));
    let arr = bySender.get(m.sender);
    if (!arr) bySender.set(m.sender, (arr = new Uint8Array(cap)));
    if (arr[m.n]! < 255) arr[m.n]!++;
    book.hist.record(now - m.plannedUs);
    book.deliveries++;
    if (now > book.lastDeliveryUs) book.lastDeliveryUs = now;
  }

  deliveries(phase: number): number {
    return this.phases.get(phase)?.deliveries ?? 0;
  }

  error(code: string): void {
    this.errors[code] = (this.errors[code] ?? 0) + 1;
  }

  collect(phase: number): CollectReply {
    const book = this.phases.get(phase);
    const delivered: Record<number, number[]> = {};
    let duplicates = 0;
    if (book) {
      for (const [sender, cap] of book.capacity) delivered[sender] = new Array<number>(cap).fill(0);
      for (const bySender of book.counts.values()) {
        for (const [sender, arr] of bySender) {
          const out = delivered[sender]!;
          for (let n = 0; n < arr.length; n++) {
            const c = arr[n]!;
            if (c > 0) out[n]!++;
            if (c > 1) duplicates += c - 1;
          }
        }
      }
      this.phases.delete(phase);
    }
    const reply: CollectReply = {
      type: 'collected',
      phase,
      hist: (book?.hist ?? new Histogram()).toData(),
      delivered,
      deliveries: book?.deliveries ?? 0,
      duplicates,
      redelivered: this.redelivered,
      lastDeliveryUs: book?.lastDeliveryUs ?? 0,
      acks: this.acks,
      errors: { ...this.errors },
      reconnects: this.reconnects,
    };
    this.redelivered = 0;
    this.acks = 0;
    this.reconnects = 0;
    for (const k of Object.keys(this.errors)) delete this.errors[k];
    return reply;
  }
}
