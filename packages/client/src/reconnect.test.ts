import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Backoff } from './reconnect';

describe('Backoff', () => {
  it('property: every delay stays within [min, max], whatever the randomness and attempt count', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), { minLength: 1, maxLength: 60 }),
        (min, extra, randoms) => {
          const max = min + extra;
          let i = 0;
          const b = new Backoff({ minDelayMs: min, maxDelayMs: max, random: () => randoms[i++ % randoms.length]! });
          for (let n = 0; n < randoms.length; n++) {
            const d = b.next();
            expect(d).toBeGreaterThanOrEqual(min);
            expect(d).toBeLessThanOrEqual(max);
          }
        },
      ),
    );
  });

  it('grows with failures, reaches the ceiling, and starts over after reset', () => {
    const b = new Backoff({ minDelayMs: 100, maxDelayMs: 1000, random: () => 0.999 });
    const delays = Array.from({ length: 8 }, () => b.next());
    expect(delays[0]).toBeLessThanOrEqual(100);
    for (let i = 1; i < delays.length; i++) expect(delays[i]!).toBeGreaterThanOrEqual(delays[i - 1]!);
    expect(delays.at(-1)).toBe(1000);
    b.reset();
    expect(b.next()).toBeLessThanOrEqual(100);
  });

  it('spreads clients out: with jitter, the same attempt gives different delays', () => {
    const a = new Backoff({ minDelayMs: 100, maxDelayMs: 10_000, random: () => 0 });
    const z = new Backoff({ minDelayMs: 100, maxDelayMs: 10_000, random: () => 0.99 });
    for (let i = 0; i < 4; i++) {
      a.next();
      z.next();
    }
    expect(z.next()).toBeGreaterThan(a.next());
  });
});
