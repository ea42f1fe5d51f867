/**
 * Summarizes a V8 .cpuprofile (node --cpu-prof): self time per function, top N, so a
 * missed target can name the hot path. Renames the file afterwards so each profile
 * is reported once.
 */
import { readFileSync, renameSync } from 'node:fs';
import path from 'node:path';

/** The parts of a V8 `.cpuprofile` the readers here use. */
export interface CpuNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileEntry {
  name: string;
  where: string;
  selfMs: number;
  pct: number;
}

/**
 * Index of the first sample taken while the server handled a socket: the samples
 * before it are process start-up (module loading through tsx), not the workload.
 */
function firstServingSample(prof: CpuProfile, byId: Map<number, CpuNode>): number {
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const serving = new Map<number, boolean>();
  const isServing = (id: number): boolean => {
    const known = serving.get(id);
    if (known !== undefined) return known;
    const n = byId.get(id);
    const p = parent.get(id);
    const v = Boolean(n && n.callFrame.url.includes('/packages/server/src/realtime/')) || (p !== undefined && isServing(p));
    serving.set(id, v);
    return v;
  };
  const i = (prof.samples ?? []).findIndex((id) => isServing(id));
  return Math.max(0, i);
}

export function topSelfTime(file: string, limit = 15, opts: { includeStartup?: boolean } = {}): { totalMs: number; entries: ProfileEntry[] } {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  if (prof.samples && prof.timeDeltas) {
    const from = opts.includeStartup ? 0 : firstServingSample(prof, byId);
    prof.samples.forEach((id, i) => {
      if (i >= from) selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas![i] ?? 0));
    });
  } else {
    const per = (prof.endTime - prof.startTime) / Math.max(1, prof.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0));
    for (const n of prof.nodes) selfUs.set(n.id, (n.hitCount ?? 0) * per);
  }
  const agg = new Map<string, ProfileEntry>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    if (!n || n.callFrame.functionName === '(idle)') continue; // percentages are of busy time
    total += us;
    const name = n.callFrame.functionName || '(anonymous)';
    const url = n.callFrame.url.replace(/^file:\/\//, '');
    const where = url ? `${path.relative(process.cwd(), url)}:${n.callFrame.lineNumber + 1}` : '';
    const key = `${name} ${where}`;
    const e = agg.get(key) ?? { name, where, selfMs: 0, pct: 0 };
    e.selfMs += us / 1000;
    agg.set(key, e);
  }
  const totalMs = total / 1000;
  const entries = [...agg.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, limit);
  for (const e of entries) e.pct = totalMs > 0 ? (e.selfMs / totalMs) * 100 : 0;
  return { totalMs, entries };
}

/** node --cpu-prof also profiles the module-loader thread; only the main thread runs server code. */
export function isServerMainThread(file: string): boolean {
  return readFileSync(file, 'utf8').includes('/packages/server/src/');
}

export function summarizeProfile(file: string, label: string, limit = 15): string {
  const seen = file.replace(/\.cpuprofile$/, `.${label}.seen.cpuprofile`);
  if (!isServerMainThread(file)) {
    renameSync(file, seen.replace('.seen.', '.loader.seen.'));
    return '';
  }
  const { totalMs, entries } = topSelfTime(file, limit);
  renameSync(file, seen);
  const lines = entries.map((e) => `  ${e.pct.toFixed(1).padStart(5)} %  ${e.selfMs.toFixed(0).padStart(7)} ms  ${e.name}  ${e.where}`);
  return [`profile ${path.basename(file)} (${label}), ${(totalMs / 1000).toFixed(1)} s busy after start-up, top self time (% of busy):`, ...lines].join('\n');
}
