import { describe, expect, it } from 'vitest';
import { BatchQueue } from './batch-queue';

describe('BatchQueue', () => {
  it('hands items queued in one tick to the handler together, in order, one batch at a time', async () => {
    const batches: number[][] = [];
    const q = new BatchQueue<number>(async (b) => void batches.push(b), { batchMax: 3, capacity: 100, onError: () => {} });
    for (let i = 1; i <= 7; i++) q.push(i);
    await q.idle();
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('drops the oldest past capacity and keeps working after a failing batch', async () => {
    const seen: number[] = [];
    const errors: unknown[] = [];
    const q = new BatchQueue<number>(
      async (b) => {
        if (b.includes(3)) throw new Error('boom');
        seen.push(...b);
      },
      { batchMax: 1, capacity: 3, onError: (e) => errors.push(e) },
    );
    for (let i = 1; i <= 5; i++) q.push(i);
    await q.idle();
    expect(q.dropped).toBe(2);
    expect(seen).toEqual([4, 5]);
    expect(errors).toHaveLength(1);
    q.push(6);
    await q.idle();
    expect(seen).toEqual([4, 5, 6]);
  });
});
