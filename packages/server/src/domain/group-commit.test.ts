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
