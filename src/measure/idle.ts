import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Style } from '../model/style.ts';
import { median } from './calibrate/sampler.ts';

/**
 * What a system costs at rest: `interplay up --style S` (the default inproc topology, SQLite) is
 * started, left alone until it is ready and a settle time has passed, and then the CPU time (user +
 * system, from /proc) of its process and of every process under it (its private nats-server) is read
 * at the start and at the end of a window. Nothing is sent to it meanwhile.
 */

/** clock ticks per second of /proc/<pid>/stat times; 100 on every Linux the project runs on */
const CLK_TCK = 100;

/** One process's reading from its /proc/<pid>/stat line. */
export interface StatLine {
  readonly pid: number;
  readonly parent: number;
  /** the executable's name, as /proc shows it (`node`, `nats-server`) */
  readonly command: string;
  /** utime + stime, ms */
  readonly cpuMs: number;
}

/**
 * Parses a /proc/<pid>/stat line. The command name is in parentheses and may hold spaces and
 * parentheses itself, so the fields are counted from the last ')'. Undefined for a line that is not one.
 */
export function parseStat(text: string): StatLine | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const fields = text.slice(close + 2).trim().split(/\s+/);
  // after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
  const [parent, utime, stime] = [fields[1], fields[11], fields[12]].map(Number);
  const pid = Number(text.slice(0, open).trim());
  if (![pid, parent, utime, stime].every((n) => Number.isInteger(n) && (n ?? -1) >= 0)) return undefined;
  return { pid, parent: parent!, command: text.slice(open + 1, close), cpuMs: ((utime! + stime!) * 1000) / CLK_TCK };
}

/** One process's CPU over a window, ms of CPU per second of wall time. */
export interface IdleProcess {
  readonly pid: number;
  readonly command: string;
  readonly msPerS: number;
}

export interface IdleFigures {
  readonly processes: readonly IdleProcess[];
  /** all of them, ms of CPU per s */
  readonly totalMsPerS: number;
  /** s the window lasted */
  readonly windowS: number;
}

/**
 * CPU per second of every process read at both ends of a window. A process that ended meanwhile has
 * no end reading and is left out; one that began meanwhile counts from 0 (all its CPU is the window's).
 */
export function idleFigures(start: readonly StatLine[], end: readonly StatLine[], windowMs: number): IdleFigures {
  const before = new Map(start.map((s) => [s.pid, s.cpuMs]));
  const windowS = windowMs / 1000;
  const processes = end.map((s) => ({ pid: s.pid, command: s.command, msPerS: (s.cpuMs - (before.get(s.pid) ?? 0)) / windowS }));
  return { processes, totalMsPerS: processes.reduce((sum, p) => sum + p.msPerS, 0), windowS };
}

/** `root` and every process under it, by the parent pid in each /proc/<pid>/stat line; none when `root` is gone. */
export function processTree(lines: readonly StatLine[], root: number): StatLine[] {
  const top = lines.find((line) => line.pid === root);
  if (!top) return [];
  const out = [top];
  for (let i = 0; i < out.length; i++) for (const line of lines) if (line.parent === out[i]!.pid) out.push(line);
  return out;
}

async function readTree(root: number): Promise<StatLine[]> {
  const lines: StatLine[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const line = parseStat(await readFile(join('/proc', name, 'stat'), 'utf8').catch(() => ''));
    if (line) lines.push(line);
  }
  return processTree(lines, root);
}

export interface IdleRunOptions {
  /** a checkout whose `bin/interplay` is run */
  readonly root: string;
  readonly style: Style;
  /** ms after the ready line before the window opens: start-up's own timers and JIT settle */
  readonly settleMs: number;
  /** ms the window lasts */
  readonly windowMs: number;
  /** ms to wait for the ready line; default 120000 */
  readonly readyTimeoutMs?: number;
}

/** Starts the system, waits for ready and the settle time, measures one window at rest, stops it. */
export async function measureIdle(opts: IdleRunOptions): Promise<IdleFigures> {
  const proc = spawn(process.execPath, [join(opts.root, 'bin', 'interplay'), 'up', '--style', opts.style, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4_000)));
  const exited = new Promise<void>((resolve) => proc.once('close', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no ready line within ${opts.readyTimeoutMs ?? 120_000} ms`)), opts.readyTimeoutMs ?? 120_000);
      proc.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (/^ready \S+/m.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('close', (code) => {
        clearTimeout(timer);
        reject(new Error(`up --style ${opts.style} exited ${code} before ready: ${stderr.trim().split('\n').at(-1) ?? ''}`));
      });
    });
    await sleep(opts.settleMs);
    const startedAt = performance.now();
    const start = await readTree(proc.pid!);
    await sleep(opts.windowMs);
    const end = await readTree(proc.pid!);
    return idleFigures(start, end, performance.now() - startedAt);
  } finally {
    proc.kill('SIGTERM');
    await exited;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The median of each process command's ms/s and of the total, over runs of one style and checkout. */
export function medianIdle(runs: readonly IdleFigures[]): { readonly byCommand: ReadonlyMap<string, number>; readonly totalMsPerS: number } {
  const commands = new Set(runs.flatMap((r) => r.processes.map((p) => p.command)));
  const byCommand = new Map<string, number>();
  for (const command of commands) {
    byCommand.set(command, median(runs.map((r) => r.processes.filter((p) => p.command === command).reduce((sum, p) => sum + p.msPerS, 0))));
  }
  return { byCommand, totalMsPerS: median(runs.map((r) => r.totalMsPerS)) };
}
