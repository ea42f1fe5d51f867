/**
 * CPU time and resident memory of another process, read from /proc (Linux), so the
 * measured server needs no instrumentation of its own.
 */
import { readFileSync } from 'node:fs';

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every mainstream Linux. */
const TICKS_PER_SECOND = 100;

export interface ProcSample {
  at: number;
  cpuSeconds: number;
  rssBytes: number;
}

export function sampleProcess(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; the fields after it start past ")".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = /VmRSS:\s+(\d+) kB/.exec(status);
  return { at: Date.now(), cpuSeconds: (utime + stime) / TICKS_PER_SECOND, rssBytes: rss ? Number(rss[1]) * 1024 : 0 };
}

/** CPU use between two samples as a percentage of one core. */
export function cpuPercent(a: ProcSample, b: ProcSample): number {
  const wall = (b.at - a.at) / 1000;
  return wall > 0 ? ((b.cpuSeconds - a.cpuSeconds) / wall) * 100 : 0;
}

/** Samples several processes (e.g. two server nodes) and sums them. */
export function sampleAll(pids: readonly number[]): ProcSample {
  const samples = pids.map(sampleProcess);
  return {
    at: Date.now(),
    cpuSeconds: samples.reduce((s, x) => s + x.cpuSeconds, 0),
    rssBytes: samples.reduce((s, x) => s + x.rssBytes, 0),
  };
}
