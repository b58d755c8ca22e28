import { readdirSync, readFileSync } from 'node:fs';

/** Resident set of a process now, in bytes. */
export function currentRss(pid: number): number {
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(rss?.[1] ?? 0) * 1024;
}

/**
 * Time on CPU of a process's threads in ms, as the scheduler measures it (`schedstat`, to the
 * nanosecond). `/proc/PID/stat`'s user and system times are sampled at the timer tick (250 Hz here,
 * without IRQ time accounting): a server using 5% of a core is charged by about a hundred samples in
 * an 8 s window, which alone moved figures by ±30% between runs.
 */
function scheduledMs(pid: number): number {
  let ns = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return ns / 1e6;
}

/** What {@link processFigures} reads of a process. */
export interface ProcessFigures {
  /** Time on CPU in ms, scheduler-measured. */
  readonly cpuMs: number;
  /** Timer ticks sampled in user and in kernel mode: their ratio is the kernel's share (an estimate). */
  readonly userTicks: number;
  readonly systemTicks: number;
  /** Peak resident set in bytes. */
  readonly peakRss: number;
}

/** CPU time of a process (all its threads), its sampled user/kernel split, and its peak resident set. */
export function processFigures(pid: number): ProcessFigures {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return {
    cpuMs: scheduledMs(pid),
    userTicks: Number(fields[11]),
    systemTicks: Number(fields[12]),
    peakRss: Number(hwm?.[1] ?? 0) * 1024,
  };
}

/** The kernel's share of the CPU time between two readings, in percent (from the sampled ticks). */
export function kernelShare(before: ProcessFigures, after: ProcessFigures): number {
  const user = after.userTicks - before.userTicks;
  const system = after.systemTicks - before.systemTicks;
  return user + system === 0 ? 0 : (100 * system) / (user + system);
}

/** {@link processFigures} summed over a process and its children (a cluster's primary and workers). */
export function treeFigures(pid: number): ProcessFigures {
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
    userTicks: sum.userTicks + figures.userTicks,
    systemTicks: sum.systemTicks + figures.systemTicks,
    peakRss: sum.peakRss + figures.peakRss,
  }));
}
