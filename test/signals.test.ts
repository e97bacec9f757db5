import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eventually } from './support/nats.ts';
import { descendantsOf, isAlive } from './support/processes.ts';

/** SIGINT or SIGTERM on a command stops everything it started: no process and no temporary directory is left. */

const BIN = fileURLToPath(new URL('../bin/interplay', import.meta.url));


/** What a run left in its temporary directory, apart from tsx's compile cache. */
const leftIn = async (dir: string) => (await readdir(dir)).filter((name) => !name.startsWith('tsx-'));

/** Runs the CLI with its own temporary directory, so what it leaves behind can be seen. */
async function start(args: string[]) {
  const temp = await mkdtemp(join(tmpdir(), 'interplay-signals-'));
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: temp, NATS_URL: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, temp, exited, output: () => ({ stdout, stderr }) };
}

describe('signals', () => {
  it('SIGTERM to `up --topology processes` stops every service, the gateway and nats-server, and removes its data', async () => {
    const up = await start(['up', '--style', 'notification', '--topology', 'processes', '--port', '0']);
    try {
      await eventually(() => /^ready /m.test(up.output().stdout), { what: 'the ready line', timeoutMs: 60_000 });
      const started = descendantsOf(up.child.pid!);
      // nats-server and five `interplay service` processes
      expect(started.length, up.output().stderr).toBeGreaterThanOrEqual(6);

      up.child.kill('SIGTERM');
      const exit = await up.exited;

      expect(exit.code, up.output().stderr).toBe(0);
      await eventually(() => started.every((pid) => !isAlive(pid)), { what: 'every child to exit', timeoutMs: 10_000 });
      expect(await leftIn(up.temp)).toEqual([]);
    } finally {
      up.child.kill('SIGKILL');
      await rm(up.temp, { recursive: true, force: true });
    }
  }, 90_000);

  it('SIGTERM to `scenario --style notification` during its start stops its nats-server and removes its store', async () => {
    const scenario = await start(['scenario', '--style', 'notification']);
    try {
      // Wait for the private nats-server to exist, then stop the command while it is still starting.
      const nats = await eventually(() => descendantsOf(scenario.child.pid!).find((pid) => /nats-server/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))), {
        what: 'the private nats-server',
        timeoutMs: 30_000,
        intervalMs: 10,
      });
      scenario.child.kill('SIGTERM');
      const exit = await scenario.exited;

      expect(exit.code).toBe(143);
      await eventually(() => !isAlive(nats), { what: 'nats-server to exit', timeoutMs: 10_000 });
      expect(descendantsOf(scenario.child.pid!)).toEqual([]);
      expect(await leftIn(scenario.temp)).toEqual([]);
    } finally {
      scenario.child.kill('SIGKILL');
      await rm(scenario.temp, { recursive: true, force: true });
    }
  }, 60_000);
});
