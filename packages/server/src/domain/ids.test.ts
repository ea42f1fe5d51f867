import { describe, expect, it } from 'vitest';
import { newId } from './ids';

describe('newId', () => {
  it('is a UUIDv7-shaped hex string, unique across many pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5_000; i++) {
      const id = newId(1_700_000_000_000);
      expect(id).toMatch(/^[0-9a-f]{12}7[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(5_000);
  });

  it('sorts by creation time', () => {
    const ids = [3, 1, 2].map((t) => newId(1_700_000_000_000 + t));
    expect([...ids].sort()).toEqual([ids[1], ids[2], ids[0]]);
  });
});
