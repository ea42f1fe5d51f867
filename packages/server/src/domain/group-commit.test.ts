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
    let gc!: GroupCommit<number, number>;
    gc = new GroupCommit<number, number>(
      async (xs) => {
        log.push(`commit ${xs.join(',')}`);
        await tick();
        // Arrives while the first batch is in flight: the next batch.
        if (xs[0] === 1) void gc.submit(3);
        return xs;
      },
      2,
      (results) => log.push(`fan-out ${results.join(',')}`),
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
      (results) => {
        if (results[0] === 1) throw new Error('listener bug');
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
