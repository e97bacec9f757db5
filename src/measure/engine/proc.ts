import { readFile } from 'node:fs/promises';

export interface ProcessUsage {
  /** user + system CPU time so far, ms */
  readonly cpuMs: number;
  /** current resident set, bytes */
  readonly rssBytes: number;
  /** the most it has been resident since it started (VmHWM), bytes */
  readonly rssPeakBytes: number;
}

/** clock ticks per second of /proc/<pid>/stat times; 100 on every Linux the project runs on */
const CLK_TCK = 100;

/** CPU and memory of a process from /proc (Linux). Undefined when the process is gone. */
export async function processUsage(pid: number): Promise<ProcessUsage | undefined> {
  try {
    const [stat, status] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile(`/proc/${pid}/status`, 'utf8')]);
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { cpuMs: (ticks * 1000) / CLK_TCK, rssBytes: kb('VmRSS'), rssPeakBytes: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/**
 * CPU and memory of a process and all its children, as one: a PostgreSQL postmaster and the backends
 * and helpers it forked, which do the work. CPU adds the parent's own time, what its exited children
 * used (cutime, cstime: a backend that ended mid-run moves its time there when reaped), and each live
 * child's; so a backend ending between two readings neither loses nor doubles its time. RSS adds each
 * process's resident set, which counts the shared buffers each touched once per process: an upper bound.
 */
export async function processTreeUsage(pid: number): Promise<ProcessUsage | undefined> {
  const own = await processUsage(pid);
  if (!own) return undefined;
  let cpuMs = own.cpuMs + (await reapedChildrenCpuMs(pid));
  let rssBytes = own.rssBytes;
  let rssPeakBytes = own.rssPeakBytes;
  for (const child of await childProcesses(pid)) {
    const usage = await processUsage(child);
    if (!usage) continue;
    cpuMs += usage.cpuMs;
    rssBytes += usage.rssBytes;
    rssPeakBytes += usage.rssPeakBytes;
  }
  return { cpuMs, rssBytes, rssPeakBytes };
}

async function reapedChildrenCpuMs(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** Direct children, by the parent pid in every /proc/<pid>/stat (/proc/<pid>/task/<pid>/children needs a kernel option). */
export async function childProcesses(parent: number): Promise<number[]> {
  const { readdir } = await import('node:fs/promises');
  const out: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
