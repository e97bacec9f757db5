import type { StoreRequest } from './store.ts';
import { storeEnv } from './store-env.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Style } from '../model/style.ts';
import { hold } from './resources.ts';
import { parseReadyLine } from './supervised.ts';
import { topologyArgs, type SystemTopology } from '../model/topology.ts';

export interface ChildSystemOptions {
  /** default SQLite; passed to `up` in its environment, so a URL's password is not in argv */
  readonly store?: StoreRequest;
  readonly style: Style;
  readonly nats?: string;
  /** where the notification service POSTs deliveries */
  readonly webhook?: string;
  /** default inproc */
  readonly topology?: SystemTopology;
  /** environment variables for the system, over this process's (e.g. INTERPLAY_MAX_INFLIGHT) */
  readonly env?: Readonly<Record<string, string>>;
  /** keep the databases in this directory (`up --data`): to read their size, or so a later system starts on what this one left; default a temporary one */
  readonly data?: string;
  /** ms to wait for the `ready` line; default 30000 (cold tsx start plus migrations) */
  readonly readyTimeoutMs?: number;
}

export interface ChildSystem {
  readonly url: string;
  readonly pid: number;
  /** SIGTERM, then wait for a clean exit; resolves to the exit code */
  stop(): Promise<number | null>;
}

const BIN = fileURLToPath(new URL('../../bin/interplay', import.meta.url));

/**
 * Runs `interplay up` as a child process, so a benchmark measures the system's CPU and memory
 * apart from its own, as a user running `up` would see them.
 */
export async function startChildSystem(opts: ChildSystemOptions): Promise<ChildSystem> {
  const args = ['up', '--style', opts.style, '--port', '0'];
  if (opts.nats) args.push('--nats', opts.nats);
  if (opts.webhook) args.push('--webhook', opts.webhook);
  if (opts.topology) args.push(...topologyArgs(opts.topology));
  if (opts.data) args.push('--data', opts.data);
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...(opts.store ? storeEnv(opts.store) : {}), ...opts.env } });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // A signal that stops this process before stop() was called still stops the child system.
  const unhold = hold(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  });
  const url = await readyLine(child, opts.readyTimeoutMs ?? 30_000).catch(async (error: Error) => {
    unhold();
    child.kill('SIGKILL');
    throw new Error(`interplay up --style ${opts.style} did not start: ${error.message}\n${stderr.trim()}`);
  });
  return {
    url,
    pid: child.pid ?? -1,
    async stop() {
      unhold();
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

function readyLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`no "ready" line within ${timeoutMs} ms`)), timeoutMs);
    lines.on('line', (line) => {
      const url = parseReadyLine(line);
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with code ${code}`));
    });
  });
}
