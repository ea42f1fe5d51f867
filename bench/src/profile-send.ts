/**
 * npx tsx bench/src/profile-send.ts [--rate N] [--seconds S] [--database sqlite|postgres] [--interval µs]
 *
 * CPU per durable send, by step: one Parley node under `direct` at a fixed open-loop
 * rate (default 1,000 msg/s, where it keeps up), run with --cpu-prof; the samples
 * inside the measured phase are split by step (core/step-profile.ts) and divided by the
 * messages sent, and calibrated against each thread's CPU from /proc/<pid>/task (the
 * sampler also counts preempted time and the writer's fsync wait; see calibrate).
 * Prints a markdown table and one JSON line.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PhaseRunner } from './core/measure';
import { stepProfile, STEPS, type Step, type StepProfile } from './core/step-profile';
import { pairs } from './targets/population';
import { startParley } from './targets/parley-target';
import { MESSAGE_BYTES, pairSenders } from './workloads/direct';
import { withTarget, type RunContext } from './workloads/context';

interface Options {
  rate: number;
  seconds: number;
  database: 'sqlite' | 'postgres';
  intervalUs: number;
}

function parse(argv: string[]): Options {
  const o: Options = { rate: 1000, seconds: 10, database: 'sqlite', intervalUs: 1000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[++i];
    if (a === '--rate') o.rate = Number(v);
    else if (a === '--seconds') o.seconds = Number(v);
    else if (a === '--interval') o.intervalUs = Number(v);
    else if (a === '--database' && (v === 'sqlite' || v === 'postgres')) o.database = v;
    else {
      console.error('usage: tsx bench/src/profile-send.ts [--rate N] [--seconds S] [--database sqlite|postgres] [--interval µs]');
      process.exit(2);
    }
  }
  return o;
}

/** The V8 profiler's clock: CLOCK_MONOTONIC in µs. */
const monoUs = () => Number(process.hrtime.bigint() / 1000n);

interface ThreadCpu {
  tid: number;
  name: string;
  seconds: number;
}

function threadCpu(pid: number): Map<number, ThreadCpu> {
  const out = new Map<number, ThreadCpu>();
  for (const tid of readdirSync(`/proc/${pid}/task`).map(Number)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      out.set(tid, { tid, name, seconds: (Number(f[11]) + Number(f[12])) / 100 });
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

const us = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));
const round1 = (x: number) => Math.round(x * 10) / 10;
const sum = (ts: readonly ThreadCpu[]) => ts.reduce((s, t) => s + t.seconds * 1e6, 0);

/**
 * Turns sampled time into CPU time. The sampler counts wall time while a thread is
 * runnable but preempted (a busy 2-core machine) and, on the writer, while it waits for
 * fsync. The main thread never blocks, so its CPU / sampled ratio is the preemption
 * correction; it applies to the writer's steps too, except the commit, which gets the
 * rest of the writer's measured CPU (the remainder of its sampled time was fsync wait).
 * The writer is the busiest thread after the main one (the profiler's threads aside).
 */
function calibrate(main: StepProfile | undefined, writer: StepProfile | undefined, threads: ThreadCpu[], pid: number, messages: number) {
  const mainThread = threads.find((t) => t.tid === pid);
  const rest = threads.filter((t) => t.tid !== pid && !t.name.startsWith('v8:Prof') && t.seconds > 0);
  const writerThread = writer ? rest[0] : undefined;
  const mainCpu = ((mainThread?.seconds ?? 0) * 1e6) / messages;
  const writerCpu = ((writerThread?.seconds ?? 0) * 1e6) / messages;
  const k = main && main.busyUs > 0 ? Math.min(1, (mainCpu * messages) / main.busyUs) : 1;
  const mainSteps = new Map<Step, number>(STEPS.map((s) => [s, ((main?.us.get(s) ?? 0) * k) / messages]));
  const writerSteps = new Map<Step, number>(STEPS.map((s) => [s, ((writer?.us.get(s) ?? 0) * k) / messages]));
  const commit: Step = 'commit (WAL write + fsync)';
  const sampledCommit = writerSteps.get(commit)!;
  const besidesCommit = [...writerSteps].reduce((s, [step, v]) => (step === commit ? s : s + v), 0);
  writerSteps.set(commit, Math.max(0, writerCpu - besidesCommit));
  return {
    main: mainSteps,
    writer: writerSteps,
    mainCpu,
    writerCpu,
    fsyncWait: Math.max(0, sampledCommit - writerSteps.get(commit)!),
    processCpu: (sum(threads) - sum(threads.filter((t) => t.name.startsWith('v8:Prof')))) / messages,
    others: rest.slice(writerThread ? 1 : 0, (writerThread ? 1 : 0) + 5).map((t) => ({ name: t.name, us: (t.seconds * 1e6) / messages })),
  };
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  const profileDir = path.resolve(import.meta.dirname, '../profiles', `send-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(profileDir, { recursive: true });
  const ctx: RunContext = { scale: 'full', workers: 1, profileDir, log: (l) => console.error(`  ${l}`), directMax: new Map() };
  const p = pairs(50);
  const measured = await withTarget(
    ctx,
    () => startParley(p, { database: o.database, profileDir, profileIntervalUs: o.intervalUs, log: ctx.log }),
    async (t, gens) => {
      const senders = pairSenders(p, t);
      const runner = new PhaseRunner(gens, t.serverPids);
      await runner.run(runner.plan(senders, o.rate, 3, MESSAGE_BYTES), senders); // warm-up (JIT, caches)
      const pid = t.serverPids[0]!;
      const cpuBefore = threadCpu(pid);
      const fromUs = monoUs();
      const out = await runner.run(runner.plan(senders, o.rate, o.seconds, MESSAGE_BYTES), senders);
      const toUs = monoUs();
      const cpuAfter = threadCpu(pid);
      const threads = [...cpuAfter.values()]
        .map((a) => ({ ...a, seconds: a.seconds - (cpuBefore.get(a.tid)?.seconds ?? 0) }))
        .sort((a, b) => b.seconds - a.seconds);
      ctx.log(`measured ${out.sent} messages at ${o.rate} msg/s: lost ${out.lost}, duplicated ${out.duplicated}, p99 ${out.hist.quantileMs(0.99).toFixed(1)} ms, server cpu ${Math.round(out.cpuPct)} %`);
      return { fromUs, toUs, out, threads, pid };
    },
  );
  const { out, threads, pid } = measured;
  const messages = out.sent;
  const profiles: StepProfile[] = readdirSync(profileDir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => stepProfile(path.join(profileDir, f), measured.fromUs, measured.toUs));
  const main = profiles.find((x) => x.thread === 'main');
  const writer = profiles.find((x) => x.thread === 'writer');
  const table = calibrate(main, writer, threads, pid, messages);
  const profilers = threads.filter((t) => t.name.startsWith('v8:Prof'));
  const lines = [
    `profile-send: ${o.database}, ${messages} messages at ${o.rate} msg/s over ${o.seconds} s (lost ${out.lost}, duplicated ${out.duplicated}, p99 ${out.hist.quantileMs(0.99).toFixed(1)} ms), sampling every ${o.intervalUs} µs; ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`,
    '',
    '| step | main thread µs/msg | writer µs/msg |',
    '| --- | ---: | ---: |',
    ...STEPS.filter((s) => table.main.get(s)! + table.writer.get(s)! >= 0.05).map((s) => `| ${s} | ${us(table.main.get(s)!)} | ${us(table.writer.get(s)!)} |`),
    `| **CPU (/proc)** | **${us(table.mainCpu)}** | **${us(table.writerCpu)}** |`,
    '',
    `Process CPU ${us(table.processCpu)} µs/msg without the profiler's own threads (${us(sum(profilers) / messages)} µs/msg more); other threads: ${table.others.map((t) => `${t.name} ${us(t.us)}`).join(', ')}.`,
    `Sampled busy time per message: main ${us((main?.busyUs ?? 0) / messages)}, writer ${us((writer?.busyUs ?? 0) / messages)} (the writer's includes waiting for fsync: ${us(table.fsyncWait)} µs/msg by the calibration).`,
    `main "other", top: ${(main?.otherTop ?? []).slice(0, 8).map((x) => `${x.name} ${us(x.us / messages)}`).join('; ')}`,
    `writer "other", top: ${(writer?.otherTop ?? []).slice(0, 8).map((x) => `${x.name} ${us(x.us / messages)}`).join('; ')}`,
  ];
  console.log(lines.join('\n'));
  console.log(
    JSON.stringify({
      tool: 'profile-send',
      database: o.database,
      rate: o.rate,
      messages,
      lost: out.lost,
      duplicated: out.duplicated,
      usPerMessage: Object.fromEntries(STEPS.map((s) => [s, { main: round1(table.main.get(s)!), writer: round1(table.writer.get(s)!) }])),
      cpuUsPerMessage: { main: round1(table.mainCpu), writer: round1(table.writerCpu), process: round1(table.processCpu), fsyncWait: round1(table.fsyncWait) },
      loadAverage: os.loadavg(),
      profileDir,
    }),
  );
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
