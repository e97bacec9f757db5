import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';

/** `interplay up` as a user runs it, and the few API calls a test of a whole system needs. */

const BIN = fileURLToPath(new URL('../../bin/interplay', import.meta.url));

export interface Up {
  readonly child: ChildProcess;
  /** the gateway's base URL, once `ready` was printed */
  readonly url: Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  stderr(): string;
}

/** Starts `interplay up` with its own private nats-server (NATS_URL unset) when the style needs one. */
export function startUp(args: readonly string[]): Up {
  const { NATS_URL: _ignored, ...env } = process.env;
  const child = spawn(process.execPath, [BIN, 'up', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-8000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const m = /^ready (\S+)$/m.exec(stdout);
      if (m) resolve(m[1]!);
    });
    void exited.then(({ code }) => reject(new Error(`interplay up exited (${code}) before ready: ${stderr}`)));
  });
  url.catch(() => undefined);
  return { child, url, exited, stderr: () => stderr };
}

export interface Reply<T = any> {
  readonly status: number;
  readonly body: T;
}

/** One JSON call to the gateway. */
export async function call<T = any>(base: string, method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply<T>> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers,
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** A registered, logged-in user whose billing account holds `deposit` minor units. */
export async function aFundedUser(base: string, deposit: number): Promise<string> {
  const user = { email: `stop-${randomUUID()}@example.com`, password: 'correct horse battery staple', name: 'Stop Test' };
  const reg = await call(base, 'POST', '/auth/register', { body: user });
  if (reg.status !== 201) throw new Error(`register answered ${reg.status}`);
  const login = await call(base, 'POST', '/auth/login', { body: { email: user.email, password: user.password } });
  const token = login.body?.accessToken as string;
  // The account is opened by the style's own path (an event in the event styles): wait for it.
  for (let i = 0; (await call(base, 'GET', '/billing/account', { token })).status !== 200; i++) {
    if (i > 200) throw new Error('the billing account never appeared');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const deposited = await call(base, 'POST', '/billing/account/deposits', { token, body: { amount: deposit } });
  if (deposited.status !== 201 && deposited.status !== 200) throw new Error(`deposit answered ${deposited.status}`);
  return token;
}
