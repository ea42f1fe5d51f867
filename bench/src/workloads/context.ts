import { Generators } from '../core/generators';
import type { BenchResult } from '../core/result';
import type { Target } from '../targets/target';

export interface RunContext {
  /** smoke = tiny sizes for the test suite (correctness only). */
  scale: 'full' | 'smoke';
  /** Load-generator processes per target. */
  workers: number;
  /** Folder for server CPU profiles, or null. */
  profileDir: string | null;
  log: (line: string) => void;
  /** Leave out the relay (smoke runs of workloads other than direct, to keep the suite short). */
  skipRelay?: boolean;
  /** history: messages in the read conversation (default 1 M; 10 M is opt-in, it takes minutes and gigabytes). */
  historyMessages?: number;
  /** Saturation rates found by earlier workloads of the same run, by target name (msg/s). */
  directMax: Map<string, number>;
}

export type Workload = (ctx: RunContext) => Promise<BenchResult[]>;

/** Starts a target and its generators, connects every client, runs fn, and always cleans up. */
export async function withTarget<T>(
  ctx: RunContext,
  start: () => Promise<Target>,
  fn: (target: Target, gens: Generators) => Promise<T>,
  opts: { workers?: number; reader?: boolean; concurrency?: number; beforeConnect?: (target: Target) => Promise<void> } = {},
): Promise<T> {
  // Generators boot while the target starts; both take seconds of module loading.
  const gens = Generators.start(opts.workers ?? ctx.workers, { reader: opts.reader ?? false });
  let target: Target;
  try {
    target = await start();
  } catch (err) {
    await gens.close();
    throw err;
  }
  try {
    await gens.ready();
    await opts.beforeConnect?.(target);
    const began = Date.now();
    const setup = await gens.setup(target.kind, target.clients, opts.concurrency ?? 64);
    if (setup.failed > 0) throw new Error(`${target.name}: ${setup.failed} of ${target.clients.length} clients failed to connect: ${setup.errors.join('; ')}`);
    ctx.log(`${target.name}: ${setup.connected} clients connected in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    return await fn(target, gens);
  } finally {
    await gens.close();
    await target.stop();
  }
}

/** Relay rows carry no goal; Parley rows compare to the relay row of the same run. */
export function ratio(value: number | null, ceiling: number | null): number | null {
  if (value === null || ceiling === null || ceiling <= 0) return null;
  return value / ceiling;
}

/**
 * Targets one after the other so each has the machine to itself; in smoke runs
 * (correctness only) side by side to keep the test suite short.
 */
export async function inTurn<T>(ctx: RunContext, runs: readonly (() => Promise<T>)[]): Promise<T[]> {
  if (ctx.scale === 'smoke') return Promise.all(runs.map((run) => run()));
  const out: T[] = [];
  for (const run of runs) out.push(await run());
  return out;
}

/**
 * The ceiling and the system under test, one after the other so each has the machine
 * to itself; in smoke runs (correctness only) side by side to keep the test suite short.
 */
export async function relayThenParley<T>(ctx: RunContext, relay: () => Promise<T>, parley: () => Promise<T>): Promise<[T | null, T]> {
  if (ctx.skipRelay) return [null, await parley()];
  if (ctx.scale === 'smoke') return Promise.all([relay(), parley()]);
  const r = await relay();
  return [r, await parley()];
}
