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
