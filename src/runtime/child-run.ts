import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parseReadyLine } from './supervised.ts';
import type { ProcessExit } from './supervisor-types.ts';

export interface ChildRunOptions {
  readonly command: string;
  readonly args: readonly string[];
  /** the whole environment of the child */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** ms; the child is SIGKILLed when its ready line has not come by then */
  readonly readyTimeoutMs: number;
  onStdout(line: string): void;
  onStderr(line: string): void;
}

/** One spawned process of a supervised slot: from spawn to exit. */
export interface ChildRun {
  readonly pid: number | undefined;
  /** the ready line's URL; rejects only after the process has exited, so a failed start leaves nothing behind */
  readonly ready: Promise<string>;
  /** resolves once the process has exited, or failed to spawn at all */
  readonly exited: Promise<ProcessExit>;
  /** sends a signal if the process still runs */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, SIGKILL after graceMs; resolves once it has exited */
  terminate(graceMs: number): Promise<ProcessExit>;
}

const STDERR_TAIL_CHARS = 4_000;

export function spawnChild(opts: ChildRunOptions): ChildRun {
  const child = spawn(opts.command, opts.args, {
    env: opts.env,
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    // The IPC channel closes when we die, even by SIGKILL; the child watches it (`supervised.ts`).
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // Its own process group: a terminal's Ctrl-C reaches only the CLI, which stops the children
    // through shutdown() (the gateway first), instead of all of them dying at once.
    detached: true,
  });
  let alive = child.pid !== undefined;
  let stderrTail = '';

  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      alive = false;
      resolve({ code, signal, at: Date.now() });
    });
    // A spawn failure (ENOENT, EACCES) emits 'error' and never 'exit'.
    child.on('error', (error) => {
      if (child.pid !== undefined) return;
      stderrTail = `${error.message}\n`;
      alive = false;
      resolve({ code: null, signal: null, at: Date.now() });
    });
  });

  let readyUrl: ((url: string) => void) | undefined;
  const ready = new Promise<string>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.readyTimeoutMs);
    readyUrl = (url) => {
      clearTimeout(timer);
      resolve(url);
    };
    void exited.then((exit) => {
      clearTimeout(timer);
      const why = timedOut ? `no ready line within ${opts.readyTimeoutMs} ms` : `exited before its ready line (${describeExit(exit)})`;
      reject(new Error(`${why}${tail()}`));
    });
  });
  // The supervisor follows crashes through `exited`; an unawaited failed start is not an unhandled rejection.
  ready.catch(() => {});

  eachLine(child.stdout, (line) => {
    const url = readyUrl ? parseReadyLine(line) : undefined;
    if (url !== undefined && readyUrl) {
      readyUrl(url);
      readyUrl = undefined;
    } else {
      opts.onStdout(line);
    }
  });
  eachLine(child.stderr, (line) => {
    stderrTail = (stderrTail + line + '\n').slice(-STDERR_TAIL_CHARS);
    opts.onStderr(line);
  });
  const tail = (): string => (stderrTail === '' ? '' : `; stderr:\n${stderrTail.trimEnd()}`);

  return {
    pid: child.pid,
    ready,
    exited,
    signal(signal) {
      if (alive) child.kill(signal);
    },
    async terminate(graceMs) {
      if (!alive) return exited;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<'grace-over'>((resolve) => (timer = setTimeout(() => resolve('grace-over'), graceMs)));
      if ((await Promise.race([exited, graceOver])) === 'grace-over') child.kill('SIGKILL');
      clearTimeout(timer);
      return exited;
    },
  };
}

export function describeExit(exit: ProcessExit): string {
  return exit.signal ? `signal ${exit.signal}` : exit.code === null ? 'could not spawn' : `code ${exit.code}`;
}

/** Calls `onLine` once per whole line, so a long line arriving in several chunks is never split. */
function eachLine(stream: Readable | null, onLine: (line: string) => void): void {
  if (!stream) return;
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
}
