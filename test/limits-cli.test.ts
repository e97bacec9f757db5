import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { aRegistration } from './support/builders.ts';
import { runInterplay } from './support/interplay.ts';

const BIN = fileURLToPath(new URL('../bin/interplay', import.meta.url));

// Each test starts a whole system as a child, from the sources through tsx on a shared machine.
/** Runs `interplay up ARGS` until `use(url)` is done, then stops it with SIGTERM. */
async function withUp<T>(args: readonly string[], env: Record<string, string>, use: (url: string) => Promise<T>): Promise<T> {
  const child = spawn(process.execPath, [BIN, 'up', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(() => reject(new Error(`no ready line in 60 s: ${stderr}`)), 60_000);
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        const ready = /^ready (\S+)$/m.exec(stdout)?.[1];
        if (ready) {
          clearTimeout(timer);
          resolve(ready);
        }
      });
    });
    return await use(url);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/** Registers a user, then sends `count` logins with a wrong password; their statuses. */
async function badLogins(url: string, count: number): Promise<number[]> {
  const registration = aRegistration();
  const post = (path: string, body: unknown) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect((await post('/auth/register', registration)).status).toBe(201);
  const statuses = [];
  for (let i = 0; i < count; i++) statuses.push((await post('/auth/login', { email: registration.email, password: 'wrong-password' })).status);
  return statuses;
}

describe('limits on the command line', () => {
  it('up --limits off: 7 bad logins on one account all answer 401', async () => {
    const statuses = await withUp(['--limits', 'off'], {}, (url) => badLogins(url, 7));

    expect(statuses).toEqual(Array(7).fill(401));
  }, 90_000);

  it('up --topology processes: the auth process reads its limits from the environment, INTERPLAY_LIMIT_LOGIN=2/1m refuses the 3rd', async () => {
    const statuses = await withUp(['--topology', 'processes'], { INTERPLAY_LIMIT_LOGIN: '2/1m' }, (url) => badLogins(url, 3));

    expect(statuses).toEqual([401, 401, 429]);
  }, 120_000);

  it('a limit variable that is not N/window is a usage error before anything starts', async () => {
    const exit = await runInterplay(['up', '--port', '0'], { INTERPLAY_LIMIT_ORDERS_PER_USER: 'lots' });

    expect(exit.code).toBe(2);
    expect(exit.stderr.trim()).toBe("interplay: INTERPLAY_LIMIT_ORDERS_PER_USER must be a count per window such as 5/1m or 1000/10s, or 'off', got 'lots'");
  }, 60_000);
});
