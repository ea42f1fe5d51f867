/**
 * npx tsx bench/src/profile-summary.ts <file.cpuprofile> [top N] [--by-file]
 * Top self-time functions (or source files) of a V8 CPU profile, as % of busy time.
 */
import { topSelfTime, type ProfileEntry } from './core/profile';

const [file, n = '25', flag] = process.argv.slice(2);
if (!file) {
  console.error('usage: tsx bench/src/profile-summary.ts <file.cpuprofile> [top N] [--by-file]');
  process.exit(2);
}
const { totalMs, entries } = topSelfTime(file, flag === '--by-file' ? 100_000 : Number(n));
let rows: ProfileEntry[] = entries;
if (flag === '--by-file') {
  const byFile = new Map<string, ProfileEntry>();
  for (const e of entries) {
    const where = e.where.replace(/:\d+$/, '') || e.name;
    const x = byFile.get(where) ?? { name: where, where: '', selfMs: 0, pct: 0 };
    x.selfMs += e.selfMs;
    x.pct += e.pct;
    byFile.set(where, x);
  }
  rows = [...byFile.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, Number(n));
}
console.log(`${(totalMs / 1000).toFixed(1)} s busy`);
for (const e of rows) console.log(`${e.pct.toFixed(1).padStart(5)} %  ${e.selfMs.toFixed(0).padStart(7)} ms  ${e.name}  ${e.where}`);
