import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConversationEvent, ConversationId, Receipt, SyncRequest, SyncResponse, UserEvent, UserId } from '@parley/protocol';
import { Sequencer, type SyncMode } from './sequencer';

const conv = (n: number) => `c${n}` as ConversationId;
const actor = 'u1' as UserId;

function event(c: ConversationId, seq: number): ConversationEvent {
  return { type: 'conversation.renamed', conversationId: c, seq, actorId: actor, at: seq, title: `t${seq}` };
}
function userEvent(userSeq: number): UserEvent {
  return { type: 'conversation.archived', userSeq, at: userSeq, conversationId: conv(0) };
}

/** A miniature server: the truth, answering sync like the real one, a few events at a time. */
class FakeServer {
  readonly logs = new Map<ConversationId, ConversationEvent[]>();
  readonly userLog: UserEvent[] = [];
  constructor(private readonly pageSize = 3) {}

  commit(c: ConversationId): ConversationEvent {
    const log = this.logs.get(c) ?? [];
    this.logs.set(c, log);
    const e = event(c, log.length + 1);
    log.push(e);
    return e;
  }

  commitUser(): UserEvent {
    const e = userEvent(this.userLog.length + 1);
    this.userLog.push(e);
    return e;
  }

  sync(req: SyncRequest): SyncResponse {
    const named = new Map((req.conversations ?? []).map((c) => [c.id as ConversationId, c.seq]));
    const conversations: SyncResponse['conversations'] = [];
    for (const [id, log] of this.logs) {
      const from = named.get(id);
      const head = { id, receiptsVersion: 0, lastSeq: log.length, removed: false };
      if (from === undefined && req.unknown === 'heads') {
        conversations.push({ ...head, events: [], hasMore: false });
      } else {
        const start = from ?? 0;
        conversations.push({ ...head, events: log.slice(start, start + this.pageSize), hasMore: start + this.pageSize < log.length });
      }
    }
    for (const id of named.keys()) {
      if (!this.logs.has(id)) conversations.push({ id, events: [], receiptsVersion: 0, lastSeq: 0, hasMore: false, removed: true });
    }
    const userSeq = req.userSeq ?? 0;
    const heads = req.unknown === 'heads';
    return {
      conversations,
      userEvents: heads ? [] : this.userLog.slice(userSeq, userSeq + this.pageSize),
      userSeq: this.userLog.length,
      hasMore: !heads && userSeq + this.pageSize < this.userLog.length,
    };
  }
}

/** Records what the sequencer releases, per conversation. */
class Sink {
  readonly events = new Map<ConversationId, number[]>();
  readonly user: number[] = [];
  take(r: { events?: ConversationEvent[]; userEvents?: UserEvent[] }): void {
    for (const e of r.events ?? []) {
      const list = this.events.get(e.conversationId) ?? [];
      this.events.set(e.conversationId, list);
      list.push(e.seq);
    }
    for (const e of r.userEvents ?? []) this.user.push(e.userSeq);
  }
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

describe('Sequencer', () => {
  it('releases in order, drops duplicates, buffers a gap until it fills', () => {
    const s = new Sequencer();
    const c = conv(1);
    s.applySync({ conversations: [{ id: c, events: [], receiptsVersion: 0, lastSeq: 2, hasMore: false, removed: false }], userEvents: [], userSeq: 0, hasMore: false }, 'heads');
    expect(s.held(c)).toBe(2);
    expect(s.pushEvent(event(c, 2))).toEqual({ events: [], needsSync: false });
    expect(s.pushEvent(event(c, 4))).toEqual({ events: [], needsSync: true });
    expect(s.pushEvent(event(c, 5)).needsSync).toBe(true);
    expect(s.pushEvent(event(c, 3)).events.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(s.held(c)).toBe(5);
    expect(s.hasGaps).toBe(false);
  });

  it('asks for heads on the first sync only, and names held conversations afterwards', () => {
    const s = new Sequencer();
    expect(s.needsBaseline).toBe(true);
    expect(s.syncRequest('heads')).toEqual({ conversations: [], userSeq: 0, unknown: 'heads' });
    s.applySync({ conversations: [{ id: conv(1), events: [], receiptsVersion: 7, lastSeq: 40, hasMore: false, removed: false }], userEvents: [], userSeq: 9, hasMore: false }, 'heads');
    expect(s.needsBaseline).toBe(false);
    expect(s.syncRequest('events')).toEqual({ conversations: [{ id: conv(1), seq: 40, receiptsVersion: 7 }], userSeq: 9, unknown: 'events' });
  });

  it('holds back a conversation first seen in a push and syncs it from the start', () => {
    const s = new Sequencer();
    s.applySync({ conversations: [], userEvents: [], userSeq: 0, hasMore: false }, 'heads');
    const c = conv(2);
    expect(s.pushEvent(event(c, 3))).toEqual({ events: [], needsSync: true });
    expect(s.held(c)).toBe(0);
    expect(s.syncRequest('events').conversations).toEqual([{ id: c, seq: 0, receiptsVersion: 0 }]);
    const applied = s.applySync(
      { conversations: [{ id: c, events: [event(c, 1), event(c, 2)], receiptsVersion: 0, lastSeq: 3, hasMore: true, removed: false }], userEvents: [], userSeq: 0, hasMore: false },
      'events',
    );
    expect(applied.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(applied.more).toBe(true);
  });

  it("starts a conversation where my reading starts (a join to a 'joined' group): no gap before it", () => {
    const s = new Sequencer();
    s.applySync({ conversations: [{ id: conv(1), events: [], receiptsVersion: 0, lastSeq: 5, hasMore: false, removed: false }], userEvents: [], userSeq: 0, hasMore: false }, 'heads');
    // Added to a group whose log is at 11: the push of my own member.added (seq 12) comes first.
    const c = conv(2);
    expect(s.pushEvent(event(c, 12))).toEqual({ events: [], needsSync: true });
    expect(s.syncRequest('events').conversations).toContainEqual({ id: c, seq: 0, receiptsVersion: 0 });
    const applied = s.applySync(
      { conversations: [{ id: c, events: [event(c, 12), event(c, 13)], receiptsVersion: 0, lastSeq: 13, hasMore: false, removed: false, visibleFromSeq: 12 }], userEvents: [], userSeq: 0, hasMore: false },
      'events',
    );
    expect(applied.events.map((e) => e.seq)).toEqual([12, 13]);
    expect(s.held(c)).toBe(13);
    expect(s.hasGaps).toBe(false);
    // Held from an earlier membership below a re-join: moves up to it the same way.
    const again = s.applySync(
      { conversations: [{ id: conv(1), events: [event(conv(1), 9)], receiptsVersion: 0, lastSeq: 9, hasMore: false, removed: false, visibleFromSeq: 9 }], userEvents: [], userSeq: 0, hasMore: false },
      'events',
    );
    expect(again.events.map((e) => e.seq)).toEqual([9]);
    expect(s.hasGaps).toBe(false);
  });

  it('drops conversations the server reports removed', () => {
    const s = new Sequencer();
    s.applySync({ conversations: [{ id: conv(1), events: [], receiptsVersion: 0, lastSeq: 5, hasMore: false, removed: false }], userEvents: [], userSeq: 0, hasMore: false }, 'heads');
    const applied = s.applySync({ conversations: [{ id: conv(1), events: [], receiptsVersion: 0, lastSeq: 0, hasMore: false, removed: true }], userEvents: [], userSeq: 0, hasMore: false }, 'events');
    expect(applied.removed).toEqual([conv(1)]);
    expect(s.held(conv(1))).toBe(0);
    expect(s.syncRequest('events').conversations).toEqual([]);
  });

  it('releases a receipt only when newer for that member; the held version follows covering pushes only', () => {
    const s = new Sequencer();
    const c = conv(1);
    s.applySync({ conversations: [{ id: c, events: [], receiptsVersion: 3, lastSeq: 5, hasMore: false, removed: false }], userEvents: [], userSeq: 0, hasMore: false }, 'heads');
    const r = (userId: string, v: number): Receipt => ({ conversationId: c, userId: userId as UserId, deliveredSeq: v, readSeq: v, receiptsVersion: v });
    const push = (fromVersion: number, receipts: Receipt[]) => ({ conversationId: c, fromVersion, receiptsVersion: Math.max(...receipts.map((x) => x.receiptsVersion)), receipts });
    expect(s.pushReceipts(push(3, [r('a', 4)])).receipts).toHaveLength(1);
    expect(s.receiptsVersion(c)).toBe(4);
    expect(s.pushReceipts(push(3, [r('a', 4)])).receipts).toHaveLength(0);
    expect(s.pushReceipts(push(5, [r('b', 6)])).receipts).toHaveLength(1);
    expect(s.receiptsVersion(c)).toBe(4); // (4, 5] was missed: the next sync asks from 4
    expect(s.pushReceipts(push(4, [r('b', 5)])).receipts).toHaveLength(0); // older than what b already showed
    expect(s.receiptsVersion(c)).toBe(5);
  });

  it('restored from saved cursors: the first sync stays a baseline (heads for the rest) but names the saved conversations, and releases exactly what came after them', () => {
    const s = new Sequencer();
    expect(s.restore({ conversations: [{ id: conv(1), seq: 4, receiptsVersion: 2 }, { id: conv(3), seq: 0, receiptsVersion: 0 }], userSeq: 6 })).toBe(true);
    expect(s.held(conv(1))).toBe(4);
    expect(s.needsBaseline).toBe(true);
    expect(s.syncRequest('heads')).toEqual({ conversations: [{ id: conv(1), seq: 4, receiptsVersion: 2 }], userSeq: 6, unknown: 'heads' });

    const applied = s.applySync(
      {
        conversations: [
          { id: conv(1), events: [event(conv(1), 5), event(conv(1), 6)], receiptsVersion: 2, lastSeq: 6, hasMore: false, removed: false },
          { id: conv(2), events: [], receiptsVersion: 1, lastSeq: 30, hasMore: false, removed: false },
        ],
        userEvents: [userEvent(7)],
        userSeq: 7,
        hasMore: false,
      },
      'heads',
    );
    expect(applied.events.map((e) => e.seq)).toEqual([5, 6]);
    expect(applied.userEvents.map((e) => e.userSeq)).toEqual([7]);
    expect(s.held(conv(1))).toBe(6);
    expect(s.held(conv(2))).toBe(30);
    expect(s.needsBaseline).toBe(false);
    // A pushed duplicate of what the sync gave is dropped.
    expect(s.pushEvent(event(conv(1), 6)).events).toEqual([]);
  });

  it('restore changes nothing once the sequencer holds something', () => {
    const s = new Sequencer();
    s.applySync({ conversations: [{ id: conv(1), events: [], receiptsVersion: 0, lastSeq: 9, hasMore: false, removed: false }], userEvents: [], userSeq: 2, hasMore: false }, 'heads');
    expect(s.restore({ conversations: [{ id: conv(1), seq: 3, receiptsVersion: 0 }], userSeq: 1 })).toBe(false);
    expect(s.held(conv(1))).toBe(9);
    expect(s.userSeq).toBe(2);
  });

  it('user events: exactly once, in userSeq order', () => {
    const s = new Sequencer();
    s.applySync({ conversations: [], userEvents: [], userSeq: 2, hasMore: false }, 'heads');
    expect(s.pushUserEvent(userEvent(2)).userEvents).toEqual([]);
    expect(s.pushUserEvent(userEvent(4)).needsSync).toBe(true);
    expect(s.pushUserEvent(userEvent(3)).userEvents.map((e) => e.userSeq)).toEqual([3, 4]);
    expect(s.userSeq).toBe(4);
  });

  it('property: whatever pushes are dropped, duplicated or reordered, and however syncs race them, the app sees every event once, in order', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('commit' as const), conv: fc.integer({ min: 0, max: 3 }), copies: fc.integer({ min: 0, max: 2 }) }),
      fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('sync' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 3, maxLength: 3 }), fc.array(op, { maxLength: 80 }), fc.integer({ min: 1, max: 4 }), (initial, ops, pageSize) => {
        const server = new FakeServer(pageSize);
        initial.forEach((n, i) => range(1, n).forEach(() => server.commit(conv(i))));
        const s = new Sequencer();
        const sink = new Sink();
        type InFlight = { push: ConversationEvent | UserEvent } | { res: SyncResponse; mode: SyncMode };
        const inFlight: InFlight[] = [];
        let syncInFlight = false;
        let baseline: Map<ConversationId, number> | null = null;
        let userBaseline = 0;

        const deliver = (item: InFlight) => {
          if ('res' in item) {
            syncInFlight = false;
            const applied = s.applySync(item.res, item.mode);
            sink.take(applied);
          } else if ('userSeq' in item.push) {
            sink.take(s.pushUserEvent(item.push));
          } else {
            sink.take(s.pushEvent(item.push));
          }
        };
        const startSync = () => {
          // Like CatchUp: one sync at a time; its mode is fixed when it starts.
          if (syncInFlight) return;
          syncInFlight = true;
          const mode: SyncMode = s.needsBaseline ? 'heads' : 'events';
          const res = server.sync(s.syncRequest(mode));
          if (mode === 'heads' && !baseline) {
            baseline = new Map([...server.logs].map(([id, log]) => [id, log.length]));
            userBaseline = server.userLog.length;
          }
          inFlight.push({ res, mode });
        };

        startSync(); // the first connect
        for (const o of ops) {
          if (o.kind === 'commit') {
            const e = o.conv === 3 ? server.commitUser() : server.commit(conv(o.conv));
            for (let i = 0; i < o.copies; i++) inFlight.push({ push: e });
          } else if (o.kind === 'deliver' && inFlight.length > 0) {
            deliver(inFlight.splice(o.pick % inFlight.length, 1)[0]!);
          } else if (o.kind === 'sync') {
            startSync();
          }
        }
        // Everything still travelling arrives, then the client catches up (a reconnect).
        while (inFlight.length > 0) deliver(inFlight.shift()!);
        for (let round = 0; round < 200; round++) {
          startSync();
          const item = inFlight.shift() as { res: SyncResponse; mode: SyncMode };
          syncInFlight = false;
          const applied = s.applySync(item.res, item.mode);
          sink.take(applied);
          if (!applied.more && !s.hasGaps) break;
        }

        for (const [id, log] of server.logs) {
          const from = (baseline!.get(id) ?? 0) + 1;
          expect(sink.events.get(id) ?? [], `conversation ${id}`).toEqual(range(from, log.length));
          expect(s.held(id)).toBe(log.length);
        }
        expect(sink.user).toEqual(range(userBaseline + 1, server.userLog.length));
        expect(s.hasGaps).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
