/**
 * Splits what one call sends into script calls of at most `size` items each: a Lua
 * script holds Redis (every other command waits) for as long as it runs.
 */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
