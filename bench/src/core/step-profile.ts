/**
 * CPU time of a V8 .cpuprofile split by the step of a send it was spent in.
 *
 * Each sample goes to the innermost frame of its stack that names a step: native
 * frames (JSON.parse, postMessage, writev, better-sqlite3 calls) and Node internals
 * count for the nearest caller that does, so JSON.stringify inside fan-out is fan-out
 * serialization and a statement run from appendEvent is the event log. The transpiled
 * sources (tsx) keep function names and files but not lines, so steps are told apart
 * by file and function. Only samples inside [fromUs, toUs] (the V8 clock, which is
 * CLOCK_MONOTONIC like process.hrtime) count.
 */
import { readFileSync } from 'node:fs';
import type { CpuNode, CpuProfile } from './profile';

type CallFrame = CpuNode['callFrame'];


/** The steps, in the order the table prints them. */
export const STEPS = [
  'socket reads (ws frame decode)',
  'frame parse + validation',
  'authorization (session, membership)',
  'rate limit',
  'content filter + repeat guard',
  'send orchestration (group commit, ids, promises)',
  'writer IPC (structured clone)',
  'idempotency + membership lookups (SQL)',
  'append: message row',
  'event log + conversation head',
  'commit (WAL write + fsync)',
  'search indexing',
  'receipts',
  'notifications',
  'fan-out serialization + routing',
  'ack (reply serialization)',
  'socket writes',
  'metrics',
  'logging',
  'GC',
  'other',
] as const;

export type Step = (typeof STEPS)[number];

/** File path fragment → step, first match wins; checked for every frame with a URL. */
const BY_FILE: [RegExp, Step][] = [
  [/\/node_modules\/ws\/lib\/(sender|buffer-util)/, 'socket writes'],
  [/\/node_modules\/ws\/lib\/(receiver|websocket|validation)/, 'socket reads (ws frame decode)'],
  [/\/node_modules\/zod\//, 'frame parse + validation'],
  [/\/packages\/protocol\//, 'frame parse + validation'],
  [/\/node_modules\/prom-client\//, 'metrics'],
  [/\/node_modules\/pino/, 'logging'],
  [/\/server\/src\/(metrics|store\/instrumented)\.ts/, 'metrics'],
  [/\/server\/src\/logger\.ts/, 'logging'],
  [/\/server\/src\/(operations\/rate-step|rate-limit\/)/, 'rate limit'],
  [/\/server\/src\/domain\/(send-guard|content-filter|repeat-guard)\.ts/, 'content filter + repeat guard'],
  [/\/server\/src\/(realtime\/session-recheck|domain\/auth\/|domain\/rules\/)/, 'authorization (session, membership)'],
  [/\/server\/src\/(domain\/notifications|store\/sqlite\/notifications|store\/postgres\/notifications|presence\/)/, 'notifications'],
  [/\/server\/src\/(domain\/receipt-coalescer|store\/sqlite\/receipts|store\/postgres\/receipts)/, 'receipts'],
  [/\/server\/src\/store\/(sqlite|postgres)\/search/, 'search indexing'],
  [/\/server\/src\/(domain\/fanout|bus\/|realtime\/routing)/, 'fan-out serialization + routing'],
  [/\/server\/src\/store\/sqlite\/(threaded-store|writer-worker|writer-protocol)\.ts/, 'writer IPC (structured clone)'],
  [/\/server\/src\/(domain\/(group-commit|messages-service|ids)|store\/sqlite\/context\.ts)/, 'send orchestration (group commit, ids, promises)'],
  [/\/server\/src\/(realtime\/(dispatcher|connection|gateway)|operations\/)/, 'frame parse + validation'],
  [/\/node_modules\/better-sqlite3\/lib\/methods\/transaction/, 'commit (WAL write + fsync)'],
];

/** Node internals that name a step themselves; other internals defer to their caller. */
const NODE_WRITES = /^(writev|writevGeneric|writeGeneric|_writeGeneric|_writev|_write|writeOrBuffer|doWrite|onWriteComplete|afterWriteDispatched|createWriteWrap|writeUtf8String|writeLatin1String|writeBuffer|handleWriteReq)$/;
const NODE_READS = /^(onStreamRead|readableAddChunk|addChunk)$/;

function stepOf(frame: CallFrame, parent: CallFrame | undefined): Step | null {
  const { functionName: fn, url } = frame;
  if (fn === '(garbage collector)') return 'GC';
  if (!url || url.startsWith('node:')) {
    if (NODE_WRITES.test(fn)) return 'socket writes';
    if (NODE_READS.test(fn)) return 'socket reads (ws frame decode)';
    if (fn === 'postMessage' || fn === 'deserialize' || fn === 'serialize') return 'writer IPC (structured clone)';
    return null;
  }
  // The append's own work: appendEvent bumps the head and writes the event; the callback it
  // runs (in messages.ts) inserts the message row; the rest of appendMessages is the lookups.
  if (url.includes('/server/src/store/sqlite/context.ts') && fn === 'appendEvent') return 'event log + conversation head';
  if (url.includes('/server/src/store/sqlite/messages.ts') || url.includes('/server/src/store/sqlite/rows.ts')) {
    return parent?.functionName === 'appendEvent' ? 'append: message row' : 'idempotency + membership lookups (SQL)';
  }
  if (url.includes('/server/src/realtime/dispatcher.ts') && fn === 'reply') return 'ack (reply serialization)';
  if (url.includes('/server/src/realtime/connection.ts') && (fn === 'push' || fn === 'welcome')) return 'socket writes';
  for (const [re, step] of BY_FILE) if (re.test(url)) return step;
  return null;
}

export interface StepProfile {
  /** µs of CPU per step inside the window (idle excluded). */
  us: Map<Step, number>;
  busyUs: number;
  /** Top self-time functions that fell to 'other', to refine the mapping. */
  otherTop: { name: string; us: number }[];
  /** Which thread this profile is, from what it ran. */
  thread: 'main' | 'writer' | 'checkpointer' | 'loader' | 'unknown';
}

export function threadOf(prof: CpuProfile): StepProfile['thread'] {
  const urls = prof.nodes.map((n) => n.callFrame.url);
  if (urls.some((u) => u.includes('/server/src/store/sqlite/writer-worker'))) return 'writer';
  if (urls.some((u) => u.includes('/server/src/store/sqlite/checkpoint-worker'))) return 'checkpointer';
  if (urls.some((u) => u.includes('/server/src/realtime/'))) return 'main';
  if (urls.some((u) => u.startsWith('node:internal/modules/esm/'))) return 'loader';
  return 'unknown';
}

export function stepProfile(file: string, fromUs: number, toUs: number): StepProfile {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map<number, Step>();
  const resolve = (id: number): Step => {
    const known = memo.get(id);
    if (known) return known;
    const node = byId.get(id)!;
    const p = parent.get(id);
    const step = stepOf(node.callFrame, p === undefined ? undefined : byId.get(p)?.callFrame) ?? (p === undefined ? 'other' : resolve(p));
    memo.set(id, step);
    return step;
  };
  const us = new Map<Step, number>(STEPS.map((s) => [s, 0]));
  const other = new Map<string, number>();
  let busyUs = 0;
  let t = prof.startTime;
  const samples = prof.samples ?? [];
  samples.forEach((id, i) => {
    t += prof.timeDeltas?.[i] ?? 0;
    // A sample's time is the gap to the next one.
    const dt = prof.timeDeltas?.[i + 1] ?? 0;
    if (t < fromUs || t > toUs) return;
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') return;
    busyUs += dt;
    const step = resolve(id);
    us.set(step, us.get(step)! + dt);
    if (step === 'other') {
      const f = node.callFrame;
      const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|packages)\//, '$1/')}`;
      other.set(key, (other.get(key) ?? 0) + dt);
    }
  });
  const otherTop = [...other].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([name, v]) => ({ name, us: v }));
  return { us, busyUs, otherTop, thread: threadOf(prof) };
}
