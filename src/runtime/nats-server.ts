import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { hold } from './resources.ts';
import { freePort } from './free-port.ts';

export class NatsServerNotFound extends Error {
  override readonly name = 'NatsServerNotFound';
  readonly code = 'RUNTIME.NATS_SERVER_NOT_FOUND';
  constructor(searched: readonly string[], options?: ErrorOptions) {
    // One line, as the CLI prints it.
    super(
      `nats-server was not found (looked in: ${searched.join(', ')}); install it (Debian/Ubuntu: apt-get install nats-server, ` +
        'macOS: brew install nats-server) or run docker compose up -d nats and pass --nats nats://127.0.0.1:4222 (or set NATS_URL)',
      options,
    );
  }
}

export class NatsServerStartFailed extends Error {
  override readonly name = 'NatsServerStartFailed';
  readonly code = 'RUNTIME.NATS_SERVER_START_FAILED';
}

export interface PrivateNatsServerOptions {
  /** path to the nats-server binary; default: NATS_SERVER_BIN, then PATH, /usr/sbin, /usr/local/bin, /opt/homebrew/bin */
  readonly binary?: string;
  /**
   * ms to wait until the server accepts connections with JetStream ready; default 10000.
   * An empty store starts in well under a second; the margin is for a loaded 2-core CI box
   * where several test files start servers at once. A server that exits early fails at once.
   */
  readonly readyTimeoutMs?: number;
  /**
   * keep JetStream's store here, and keep it on stop, so events published but not yet consumed
   * survive a restart; default a temporary directory, removed on stop
   */
  readonly storeDir?: string;
}

export interface PrivateNatsServer {
  readonly url: string;
  /** HTTP monitoring endpoint (varz, jsz, healthz) */
  readonly monitorUrl: string;
  readonly storeDir: string;
  /** the running server's process id, to measure its CPU and memory; a resume() starts a new one */
  readonly pid: number;
  /**
   * Takes the server down and keeps its store: SIGTERM (a clean stop, as an operator's restart),
   * or `SIGKILL` (a crash). Clients see the broker gone until resume(). Idempotent.
   */
  halt(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /**
   * Starts the server again on the same ports and store directory, so clients reconnect to the URL
   * they know and find their streams, consumers and unconsumed messages. Resolves when JetStream answers.
   */
  resume(): Promise<void>;
  /** SIGTERM, await exit, remove the store dir. Idempotent. */
  stop(): Promise<void>;
}

const EXTRA_DIRS = ['/usr/sbin', '/usr/local/bin', '/opt/homebrew/bin'];

export function findNatsServer(binary?: string): string {
  const explicit = binary ?? process.env['NATS_SERVER_BIN'];
  const candidates = explicit
    ? [explicit]
    : [...(process.env['PATH'] ?? '').split(delimiter).filter((d) => d !== ''), ...EXTRA_DIRS].map((d) =>
        join(d, 'nats-server'),
      );
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  throw new NatsServerNotFound(candidates);
}

export async function startPrivateNatsServer(opts: PrivateNatsServerOptions = {}): Promise<PrivateNatsServer> {
  const binary = findNatsServer(opts.binary);
  const readyTimeoutMs = opts.readyTimeoutMs ?? 10_000;
  // A free port can be taken between probing and binding; a fresh pair of ports usually fixes it.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(binary, readyTimeoutMs, opts.storeDir);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

/** One nats-server process: what halt(), resume() and stop() act on. */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  readonly died: Promise<Error | undefined>;
  stderrTail(): string;
}

export function spawnServer(binary: string, args: readonly string[]): ServerProcess {
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let tail = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  child.unref();
  (child.stderr as { unref?: () => void } | null)?.unref?.();
  return { child, exited, died: Promise.race([exited.then(() => undefined), spawnError]), stderrTail: () => tail };
}

export const running = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;

/** Sends `signal`, then SIGKILL after 5 s (a JetStream flush takes well under that), and waits for the exit. */
export async function endProcess(server: ServerProcess, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  if (!running(server.child)) return;
  server.child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([server.exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, 5_000)))]);
  clearTimeout(timer);
  if (running(server.child)) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
}

async function startOnce(binary: string, readyTimeoutMs: number, keptStore?: string): Promise<PrivateNatsServer> {
  const [port, monitorPort] = [await freePort(), await freePort()];
  if (keptStore) mkdirSync(keptStore, { recursive: true });
  const storeDir = keptStore ?? mkdtempSync(join(tmpdir(), 'interplay-nats-'));
  const removeStore = (): void => {
    if (!keptStore) rmSync(storeDir, { recursive: true, force: true });
  };
  const args = ['-js', '-a', '127.0.0.1', '-p', String(port), '-m', String(monitorPort), '-sd', storeDir];
  const url = `nats://127.0.0.1:${port}`;
  let current = spawnServer(binary, args);

  // Keep the server from outliving us when the parent forgets stop() or exits with process.exit().
  // Nothing can run on SIGKILL; signal handling belongs to the CLI, which should call stop().
  const onParentExit = (): void => {
    current.child.kill('SIGKILL');
    removeStore();
  };
  process.once('exit', onParentExit);

  let stopping: Promise<void> | undefined;
  // A signal that stops this process before stop() was called still stops the server.
  const unhold = hold(() => stop());

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      unhold();
      process.removeListener('exit', onParentExit);
      await endProcess(current, 'SIGTERM');
      removeStore();
    })();
    return stopping;
  };

  const ready = async (): Promise<void> => {
    try {
      await waitUntilReady(url, current.child, readyTimeoutMs, current.died);
    } catch (err) {
      await endProcess(current, 'SIGKILL');
      throw new NatsServerStartFailed(
        `nats-server (${binary} ${args.join(' ')}) did not become ready: ${(err as Error).message}\n${current.stderrTail()}`,
        { cause: err },
      );
    }
  };

  try {
    await ready();
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    monitorUrl: `http://127.0.0.1:${monitorPort}`,
    storeDir,
    get pid() {
      return current.child.pid ?? -1;
    },
    halt: (signal = 'SIGTERM') => endProcess(current, signal),
    async resume() {
      if (stopping) throw new NatsServerStartFailed('nats-server was stopped for good; it cannot be resumed');
      if (running(current.child)) return;
      current = spawnServer(binary, args);
      await ready();
    },
    stop,
  };
}

/** Polls until a client can connect and the JetStream API answers, or the child dies, or the deadline passes. */
async function waitUntilReady(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
  died: Promise<Error | undefined>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let failure: Error | undefined;
  let dead = false;
  void died.then((err) => {
    dead = true;
    failure = err ?? new Error(`exited with code ${child.exitCode ?? child.signalCode}`);
  });
  while (Date.now() < deadline) {
    if (dead) throw failure;
    try {
      const nc = await connect({ servers: url, timeout: 1_000, reconnect: false });
      try {
        await jetstreamManager(nc, { timeout: 1_000 });
        return;
      } finally {
        await nc.close();
      }
    } catch (err) {
      failure = err as Error;
    }
    await sleep(50);
  }
  throw new Error(`not ready after ${timeoutMs} ms (last error: ${failure?.message ?? 'none'})`);
}

export { freePort };

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface ResolvedNats {
  readonly url: string;
  readonly source: 'explicit' | 'env' | 'private';
  /** process id of a private server; undefined for one we did not start */
  readonly pid?: number;
  /** a private server this process started, to halt and resume it; undefined for one we did not start */
  readonly server?: PrivateNatsServer;
  /** stops the private server; a no-op for a server we did not start */
  stop(): Promise<void>;
}

/** An explicit URL, else NATS_URL, else a private nats-server that stop() removes. */
export async function resolveNats(opts: { readonly url?: string } & PrivateNatsServerOptions = {}): Promise<ResolvedNats> {
  const noop = async (): Promise<void> => {};
  if (opts.url) return { url: opts.url, source: 'explicit', stop: noop };
  const fromEnv = process.env['NATS_URL'];
  if (fromEnv) return { url: fromEnv, source: 'env', stop: noop };
  const server = await startPrivateNatsServer(opts);
  return { url: server.url, source: 'private', pid: server.pid, server, stop: server.stop };
}
