import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { advanceMarks, sharedReadSeq } from './watermarks';

describe('watermarks', () => {
  it.each([
    // current, lastSeq, kind, seq, expected
    [{ deliveredSeq: 2, readSeq: 1 }, 10, 'delivered', 5, { deliveredSeq: 5, readSeq: 1, changed: true }],
    [{ deliveredSeq: 2, readSeq: 1 }, 10, 'read', 4, { deliveredSeq: 4, readSeq: 4, changed: true }],
    [{ deliveredSeq: 6, readSeq: 1 }, 10, 'read', 4, { deliveredSeq: 6, readSeq: 4, changed: true }],
    [{ deliveredSeq: 6, readSeq: 4 }, 10, 'delivered', 3, { deliveredSeq: 6, readSeq: 4, changed: false }],
    [{ deliveredSeq: 0, readSeq: 0 }, 10, 'read', 99, { deliveredSeq: 10, readSeq: 10, changed: true }],
    [{ deliveredSeq: 0, readSeq: 0 }, 10, 'delivered', -5, { deliveredSeq: 0, readSeq: 0, changed: false }],
  ] as const)('%o with lastSeq %d, %s %d: %o', (current, lastSeq, kind, seq, expected) => {
    expect(advanceMarks(current, lastSeq, kind, seq)).toEqual(expected);
  });

  it('never lowers a mark, never passes lastSeq, keeps read ≤ delivered, over any sequence of acks', () => {
    const ack = fc.record({ kind: fc.constantFrom('delivered' as const, 'read' as const), seq: fc.integer({ min: -3, max: 40 }), grow: fc.integer({ min: 0, max: 5 }) });
    fc.assert(
      fc.property(fc.array(ack, { maxLength: 30 }), (acks) => {
        let marks = { deliveredSeq: 0, readSeq: 0 };
        let lastSeq = 0;
        for (const a of acks) {
          lastSeq += a.grow;
          const next = advanceMarks(marks, lastSeq, a.kind, a.seq);
          if (next.deliveredSeq < marks.deliveredSeq || next.readSeq < marks.readSeq) return false;
          if (next.deliveredSeq > lastSeq || next.readSeq > next.deliveredSeq) return false;
          if (next.changed !== (next.deliveredSeq !== marks.deliveredSeq || next.readSeq !== marks.readSeq)) return false;
          marks = next;
        }
        return true;
      }),
    );
  });

  it('shows a read mark only when the reader shares read receipts', () => {
    expect(sharedReadSeq(7, true)).toBe(7);
    expect(sharedReadSeq(7, false)).toBeNull();
  });
});
