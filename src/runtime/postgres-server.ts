import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './nats-server.ts';
import { asAccount, findPostgresBinaries, serverAccount, type ServerAccount } from './postgres-binaries.ts';
import { hold } from './resources.ts';

export class PostgresStartFailed extends Error {
  override readonly name = 'PostgresStartFailed';
  readonly code = 'RUNTIME.POSTGRES_START_FAILED';
}

export interface PrivatePostgresOptions {
  /** directory of initdb and postgres; default findPostgresBinaries() */
  readonly binDir?: string;
  /**
   * keep the cluster here (created on first use, reused after), and keep it on stop; default a
   * temporary directory, removed on stop
   */
  readonly dir?: string;
  /** ms to wait for the server to take a login; default 30000 (initdb's first run on a loaded 2-core box) */
  readonly readyTimeoutMs?: number;
}

export interface PrivatePostgres {
  /** postgres://postgres:PASSWORD@127.0.0.1:PORT/postgres; it holds a password, never print it */
  readonly url: string;
  readonly port: number;
  /** the run's directory: the cluster in data/, the unix socket, the password */
  readonly dir: string;
  /** the postmaster's process id; a start() after a halt() has another */
  readonly pid: number;
  /** Stops the server (fast: open transactions roll back) and keeps its data; idempotent. */
  halt(): Promise<void>;
  /** Starts it again on the same port and data; resolves when it takes a login. */
  start(): Promise<void>;
  /** Ends every connection to `database` (pg_terminate_backend); returns how many. */
  terminateConnections(database: string): Promise<number>;
  /** Stops the server (a temporary one at once, a kept one with a checkpoint) and removes a temporary directory; idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts a PostgreSQL of our own, as the private nats-server: initdb into the run's directory, then
 * `postgres` itself on a free loopback port, as a child process (not through pg_ctl, which forks it
 * into the background: as our child its exit is seen at once and it can be signalled directly).
 * Logins over TCP need a random password (scram-sha-256), so other users of the machine cannot use it.
 */
export async function startPrivatePostgres(opts: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
  const binDir = findPostgresBinaries(opts.binDir);
  const account = serverAccount();
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'interplay-pg-'));
  const temporary = opts.dir === undefined;
  try {
    const password = await initCluster(binDir, dir, account, temporary);
    // A free port can be taken between probing and binding; another one usually fixes it.
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return await run(binDir, dir, account, password, await freePort(), temporary, opts.readyTimeoutMs ?? 30_000);
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  } catch (error) {
    if (temporary) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

const PASSWORD_FILE = 'password';

/** initdb into dir/data unless a cluster is there already; returns the superuser's password. */
async function initCluster(binDir: string, dir: string, account: ServerAccount | undefined, temporary: boolean): Promise<string> {
  // Parents as any mkdir makes them (the server's account must pass through them); the run's own directory is private.
  mkdirSync(dirname(dir), { recursive: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const passwordFile = join(dir, PASSWORD_FILE);
  if (existsSync(join(dir, 'data', 'PG_VERSION'))) return readFileSync(passwordFile, 'utf8').trim();
  const password = randomBytes(18).toString('base64url');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  // The server's account owns its directory; as root it is not ours to write otherwise.
  if (account) {
    chownSync(dir, account.uid, account.gid);
    chownSync(passwordFile, account.uid, account.gid);
  }
  const args = ['-D', join(dir, 'data'), '-U', 'postgres', '--pwfile', passwordFile, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C'];
  // A throwaway cluster skips initdb's fsyncs (a second or more on a slow disk); a kept one is made durable.
  if (temporary) args.push('--no-sync');
  const [command, commandArgs] = asAccount(account, join(binDir, 'initdb'), args);
  try {
    await promisify(execFile)(command, commandArgs, { timeout: 60_000 });
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim().split('\n').at(-1);
    throw new PostgresStartFailed(`initdb failed in ${dir}: ${stderr || (error as Error).message}`, { cause: error });
  }
  return password;
}

interface ServerProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  stderrTail(): string;
}

function spawnServer(binDir: string, dir: string, account: ServerAccount | undefined, port: number): ServerProcess {
  const settings = [
    `listen_addresses=127.0.0.1`,
    `unix_socket_directories=${dir}`,
    // Only what a user must see; the server's stderr is kept for the message of a failed start.
    'log_min_messages=warning',
  ];
  const args = ['-D', join(dir, 'data'), '-p', String(port), ...settings.flatMap((s) => ['-c', s])];
  const [command, commandArgs] = asAccount(account, join(binDir, 'postgres'), args);
  const child = spawn(command, commandArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
  let tail = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-4000);
  });
  child.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  child.unref();
  (child.stderr as { unref?: () => void } | null)?.unref?.();
  return { child, exited, stderrTail: () => tail };
}

const running = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null && child.pid !== undefined;

/**
 * SIGINT is PostgreSQL's fast shutdown (what `pg_ctl stop -m fast` sends): open transactions roll back,
 * the data is checkpointed. After 10 s (a checkpoint of a small test cluster takes well under one),
 * SIGQUIT, the immediate shutdown, then SIGKILL.
 */
async function endServer(server: ServerProcess, mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
  const steps = [['SIGINT', 10_000], ['SIGQUIT', 5_000], ['SIGKILL', 5_000]] as const;
  for (const [signal, waitMs] of mode === 'fast' ? steps : steps.slice(1)) {
    if (!running(server.child)) return;
    server.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([server.exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
  }
}

async function run(
  binDir: string,
  dir: string,
  account: ServerAccount | undefined,
  password: string,
  port: number,
  temporary: boolean,
  readyTimeoutMs: number,
): Promise<PrivatePostgres> {
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  let current = spawnServer(binDir, dir, account, port);
  const removeDir = (): void => {
    if (temporary) rmSync(dir, { recursive: true, force: true });
  };
  // Keep the server from outliving us when the parent forgets stop() or calls process.exit().
  const onParentExit = (): void => {
    if (running(current.child)) current.child.kill('SIGQUIT');
    try {
      removeDir();
    } catch {
      // the server may still be removing its own files; nothing more can be done in an exit handler
    }
  };
  process.once('exit', onParentExit);
  let stopping: Promise<void> | undefined;
  const unhold = hold(() => stop());
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      unhold();
      process.removeListener('exit', onParentExit);
      // A temporary cluster is removed next: its shutdown checkpoint (seconds of fsyncs on a busy disk)
      // would write what nobody reads, so it gets the immediate shutdown.
      await endServer(current, temporary ? 'immediate' : 'fast');
      removeDir();
    })();
    return stopping;
  };
  const ready = async (): Promise<void> => {
    try {
      await waitUntilReady(url, current, readyTimeoutMs);
    } catch (error) {
      await endServer(current);
      const tail = current.stderrTail().trim().split('\n').at(-1) ?? '';
      throw new PostgresStartFailed(`PostgreSQL on 127.0.0.1:${port} did not start: ${(error as Error).message}${tail ? ` (${tail})` : ''}`, { cause: error });
    }
  };
  try {
    await ready();
  } catch (error) {
    unhold();
    process.removeListener('exit', onParentExit);
    throw error;
  }
  return {
    url,
    port,
    dir,
    get pid() {
      return current.child.pid ?? -1;
    },
    halt: () => endServer(current),
    async start() {
      if (stopping) throw new PostgresStartFailed('the private PostgreSQL was stopped for good; it cannot start again');
      if (running(current.child)) return;
      current = spawnServer(binDir, dir, account, port);
      await ready();
    },
    terminateConnections: (database) => terminateConnections(url, database),
    stop,
  };
}

/** Polls until a login works, or the server exits, or the deadline passes. */
async function waitUntilReady(url: string, server: ServerProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let failure: unknown;
  let dead = false;
  void server.exited.then(() => (dead = true));
  while (Date.now() < deadline) {
    if (dead) throw new Error(`exited with ${server.child.exitCode ?? server.child.signalCode}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      failure = error;
    } finally {
      await client.end().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`not ready after ${timeoutMs} ms (last error: ${(failure as Error | undefined)?.message ?? 'none'})`);
}

async function terminateConnections(url: string, database: string): Promise<number> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ ended: boolean }>(
      'SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database],
    );
    return rows.filter((r) => r.ended).length;
  } finally {
    await client.end().catch(() => undefined);
  }
}
