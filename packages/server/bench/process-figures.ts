import { readFileSync } from 'node:fs';

/** CPU time (user + system, and system alone) of a process in ms, and its peak resident set in bytes. */
export function processFigures(pid: number): { cpuMs: number; systemMs: number; peakRss: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuMs: ticks * 10, systemMs: Number(fields[12]) * 10, peakRss: Number(hwm?.[1] ?? 0) * 1024 };
}
