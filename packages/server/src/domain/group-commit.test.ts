import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('GroupCommit.idle', () => {
  it('resolves at once when nothing was submitted', async () => {
    const gc = new GroupCommit<number, number>(async (xs) => xs, 8);
    await expect(gc.idle()).resolves.toBeUndefined();
  });

  it('waits for what was submitted before the call, committed or failed', async () => {
    let fail = true;
    const gc = new GroupCommit<number, number>(async (xs) => {
      await tick();
      if (fail) {
        fail = false;
        throw new Error('rolled back');
      }
      return xs;
    }, 1);
    const settled: string[] = [];
    const a = gc.submit(1).then(() => settled.push('a ok'), () => settled.push('a failed'));
    const b = gc.submit(2).then(() => settled.push('b ok'));
    await gc.idle();
    expect(settled).toEqual(['a failed', 'b ok']);
    await Promise.all([a, b]);
  });

  // A draining node keeps receiving writes until its sockets close; waiting for an empty
  // queue would never end under steady traffic (the drain hit the force-exit deadline).
  it('does not wait for items submitted after the call, even under a steady stream', async () => {
    const gc = new GroupCommit<number, number>(async (xs) => {
      await tick();
      return xs;
    }, 2);
    let stop = false;
    let n = 0;
    const feeder = (async () => {
      while (!stop) {
        void gc.submit(n++);
        await tick();
      }
    })();
    await tick();
    const before = n;
    const done = gc.submit(-1);
    let doneSettled = false;
    void done.then(() => (doneSettled = true));
    await gc.idle();
    expect(doneSettled).toBe(true);
    expect(n).toBeGreaterThan(before);
    stop = true;
    await feeder;
    await gc.idle();
  });
});

describe('GroupCommit pipelining', () => {
  // The store (the SQLite writer thread, PostgreSQL) must not sit idle while this thread
  // acknowledges and fans out the batch it just committed.
  it('hands the next batch to the store before fanning out the committed one, in commit order', async () => {
    const log: string[] = [];
    const gc = new GroupCommit<number, number>(
      async (xs) => {
        log.push(`commit ${xs.join(',')}`);
        await tick();
        // Arrives while the first batch is in flight: the next batch.
        if (xs[0] === 1) void gc.submit(3);
        return xs;
      },
      2,
      { afterCommit: (results) => log.push(`fan-out ${results.join(',')}`) },
    );
    await Promise.all([gc.submit(1), gc.submit(2)]);
    await gc.idle();
    expect(log).toEqual(['commit 1,2', 'commit 3', 'fan-out 1,2', 'fan-out 3']);
  });

  it('rejects a batch whose commit throws before returning a promise, and goes on', async () => {
    let calls = 0;
    const gc = new GroupCommit<number, number>((xs) => {
      if (calls++ === 0) throw new Error('not connected');
      return Promise.resolve(xs);
    }, 1);
    const first = gc.submit(1);
    const second = gc.submit(2);
    await expect(first).rejects.toThrow('not connected');
    await expect(second).resolves.toBe(2);
  });

  it('still settles the batch in flight when a fan-out listener throws', async () => {
    const gc = new GroupCommit<number, number>(
      async (xs) => {
        await tick();
        return xs;
      },
      1,
      {
        afterCommit: (results) => {
          if (results[0] === 1) throw new Error('listener bug');
        },
      },
    );
    const unhandled: unknown[] = [];
    const onUnhandled = (err: unknown) => unhandled.push(err);
    process.on('unhandledRejection', onUnhandled);
    try {
      const a = gc.submit(1);
      const b = gc.submit(2);
      await expect(a).resolves.toBe(1);
      await expect(b).resolves.toBe(2);
      await tick();
      expect(unhandled.map((e) => (e as Error).message)).toEqual(['listener bug']);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('GroupCommit deadline', () => {
  // A driver can lose a commit with its connection and never settle it (postgres 3.4.9,
  // see store/postgres/db.ts): the queue must not wait behind it forever.
  it('fails a batch the store never answers with a retryable UNAVAILABLE, and commits the next', async () => {
    const fannedOut: number[][] = [];
    const gc = new GroupCommit<number, number>((xs) => (xs[0] === 1 ? new Promise<number[]>(() => {}) : Promise.resolve(xs)), 1, {
      afterCommit: (results) => fannedOut.push([...results]),
      deadlineMs: 50,
    });
    const lost = gc.submit(1);
    await tick();
    const next = gc.submit(2);
    await expect(lost).rejects.toMatchObject({ name: 'StoreError', code: 'UNAVAILABLE' });
    await expect(next).resolves.toBe(2);
    expect(fannedOut).toEqual([[2]]);
  });

  it('ignores a commit that lands after its deadline: nothing is acknowledged or fanned out for it', async () => {
    let land!: () => void;
    const fannedOut: number[][] = [];
    const gc = new GroupCommit<number, number>((xs) => new Promise<number[]>((resolve) => (land = () => resolve(xs))), 1, {
      afterCommit: (results) => fannedOut.push([...results]),
      deadlineMs: 20,
    });
    const late = gc.submit(1);
    await expect(late).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    land();
    await tick();
    await gc.idle();
    expect(fannedOut).toEqual([]);
  });
});

describe('GroupCommit with several batches in flight (a store that orders writes)', () => {
  /** A store whose commits settle when the test says so. */
  function heldStore() {
    const calls: { items: number[]; settle: (ok: boolean) => void }[] = [];
    const commit = (items: number[]) =>
      new Promise<number[]>((resolve, reject) => calls.push({ items, settle: (ok) => (ok ? resolve(items) : reject(new Error(`batch ${items.join(',')} rolled back`))) }));
    return { calls, commit };
  }

  it('hands a new batch to the store each turn while fewer than maxInFlight are there, the rest waits', async () => {
    const store = heldStore();
    const gc = new GroupCommit<number, number>(store.commit, 8, { maxInFlight: 2 });
    const done = [gc.submit(1), gc.submit(2)];
    await tick();
    done.push(gc.submit(3));
    await tick();
    done.push(gc.submit(4), gc.submit(5));
    await tick();
    // Two in flight: 4 and 5 wait until one of them is finished, then go as one batch.
    expect(store.calls.map((c) => c.items)).toEqual([[1, 2], [3]]);
    store.calls[0]!.settle(true);
    await tick();
    expect(store.calls.map((c) => c.items)).toEqual([[1, 2], [3], [4, 5]]);
    store.calls[1]!.settle(true);
    store.calls[2]!.settle(true);
    expect(await Promise.all(done)).toEqual([1, 2, 3, 4, 5]);
  });

  it('fans out and settles in the order the batches were handed over, whatever order they settle in', async () => {
    const store = heldStore();
    const log: string[] = [];
    const gc = new GroupCommit<number, number>(store.commit, 8, { afterCommit: (results) => log.push(`fan-out ${results.join(',')}`), maxInFlight: 3 });
    const settled: Promise<unknown>[] = [];
    for (const n of [1, 2, 3]) {
      settled.push(gc.submit(n).then((r) => log.push(`ack ${r}`), (e: Error) => log.push(e.message)));
      await tick();
    }
    expect(store.calls).toHaveLength(3);
    store.calls[2]!.settle(true);
    store.calls[1]!.settle(false);
    await tick();
    expect(log).toEqual([]); // batch 1 is not committed yet: nothing after it may show
    store.calls[0]!.settle(true);
    await Promise.all(settled);
    await gc.idle();
    expect(log.filter((l) => l.startsWith('fan-out'))).toEqual(['fan-out 1', 'fan-out 3']);
    expect(log.filter((l) => !l.startsWith('fan-out'))).toEqual(['ack 1', 'batch 2 rolled back', 'ack 3']);
    // Each batch is fanned out before its senders hear back.
    expect(log.indexOf('fan-out 3')).toBeLessThan(log.indexOf('ack 3'));
  });
});
