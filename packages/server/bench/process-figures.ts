import { readFileSync } from 'node:fs';

/** Resident set of a process now, in bytes. */
export function currentRss(pid: number): number {
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(rss?.[1] ?? 0) * 1024;
}

/** CPU time (user + system, and system alone) of a process in ms, and its peak resident set in bytes. */
export function processFigures(pid: number): { cpuMs: number; systemMs: number; peakRss: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuMs: ticks * 10, systemMs: Number(fields[12]) * 10, peakRss: Number(hwm?.[1] ?? 0) * 1024 };
}

/** {@link processFigures} summed over a process and its children (a cluster's primary and workers). */
export function treeFigures(pid: number): { cpuMs: number; systemMs: number; peakRss: number } {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    // no children listed: the process alone
  }
  return [pid, ...children].map(processFigures).reduce((sum, figures) => ({
    cpuMs: sum.cpuMs + figures.cpuMs,
    systemMs: sum.systemMs + figures.systemMs,
    peakRss: sum.peakRss + figures.peakRss,
  }));
}
