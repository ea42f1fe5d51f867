/**
 * npm run bench -- <workload|all> [--workers N] [--profile] [--smoke] [--history-messages N]
 *
 * Runs each workload against the bare relay (the ceiling) and against Parley in the
 * same run, prints a table and one JSON line per result. --profile writes a V8 CPU
 * profile of every Parley node to bench/profiles/ and prints its top self-time functions.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jsonLine, table } from './core/report';
import type { BenchResult } from './core/result';
import { summarizeProfile } from './core/profile';
import { WORKLOADS } from './workloads';
import type { RunContext } from './workloads/context';

function usage(): never {
  console.error(`usage: npm run bench -- <${[...Object.keys(WORKLOADS), 'all'].join('|')}> [--workers N] [--profile] [--smoke] [--history-messages N (e.g. 10M)]`);
  process.exit(2);
}

/** "10M", "250k" or a plain integer. */
function count(arg: string | undefined): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(arg ?? '');
  if (!m) return NaN;
  const unit = m[2]!.toLowerCase() === 'm' ? 1e6 : m[2]!.toLowerCase() === 'k' ? 1e3 : 1;
  return Math.round(Number(m[1]) * unit);
}

export interface CliOptions {
  names: string[];
  ctx: RunContext;
}

export function parseArgs(argv: string[]): CliOptions {
  const names: string[] = [];
  let workers = 1;
  let profile = false;
  let smoke = false;
  let historyMessages: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--workers') workers = Number(argv[++i]);
    else if (a === '--profile') profile = true;
    else if (a === '--smoke') smoke = true;
    else if (a === '--history-messages') historyMessages = count(argv[++i]);
    else if (a === 'all') names.push(...Object.keys(WORKLOADS));
    else if (a in WORKLOADS) names.push(a);
    else usage();
  }
  if (names.length === 0 || !Number.isInteger(workers) || workers < 1 || (historyMessages !== undefined && !(historyMessages >= 1))) usage();
  const profileDir = profile ? path.resolve(import.meta.dirname, '../profiles', new Date().toISOString().replace(/[:.]/g, '-')) : null;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  return {
    names,
    ctx: {
      scale: smoke ? 'smoke' : 'full',
      workers,
      profileDir,
      log: (line) => console.error(`  ${line}`),
      directMax: new Map(),
      ...(historyMessages !== undefined ? { historyMessages } : {}),
    },
  };
}

export async function runAll(names: readonly string[], ctx: RunContext): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const name of names) {
    const started = Date.now();
    console.error(`== ${name}`);
    try {
      const rows = await WORKLOADS[name]!(ctx);
      results.push(...rows);
      for (const r of rows) console.log(jsonLine(r));
    } catch (err) {
      console.error(`${name} failed: ${err instanceof Error ? err.stack : String(err)}`);
      process.exitCode = 1;
    }
    console.error(`== ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (ctx.profileDir) {
      for (const f of readdirSync(ctx.profileDir).filter((f) => f.endsWith('.cpuprofile') && !f.includes('.seen'))) {
        const summary = summarizeProfile(path.join(ctx.profileDir, f), name);
        if (summary) console.error(summary);
      }
    }
  }
  return results;
}

function machine(): string {
  const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  return `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, load average ${load}`;
}

async function main(): Promise<void> {
  const { names, ctx } = parseArgs(process.argv.slice(2));
  const started = Date.now();
  console.log(machine());
  const results = await runAll(names, ctx);
  console.log('');
  console.log(table(results));
  console.log(`\n${results.length} results in ${((Date.now() - started) / 1000).toFixed(0)} s; ${machine()}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) void main();
