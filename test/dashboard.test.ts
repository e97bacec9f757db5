import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { descendantsOf } from './support/processes.ts';

const BIN = fileURLToPath(new URL('../bin/interplay', import.meta.url));
const SOCKET = `interplay-dashboard-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', 'dash');

/** Polls `check` every 200 ms until it returns a value, or fails with the last screen after `ms`. */
async function until<T>(what: string, ms: number, check: () => T | undefined): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not seen within ${ms} ms; the screen:\n${screen()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}


describe('interplay dashboard in a terminal', () => {
  afterEach(() => {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
  });

  it('shows completed orders, changes the rate on +, and quits on q leaving no process behind', async () => {
    tmux('new-session', '-d', '-x', '80', '-y', '24', '-s', 'dash', `${BIN} dashboard --style rest --topology inproc --rate 20 --users 4; echo "exited $?"; sleep 60`);
    const shell = Number(tmux('display-message', '-p', '-t', 'dash', '#{pane_pid}').trim());
    const dashboard = await until('the dashboard process', 5_000, () => descendantsOf(shell).find((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('dashboard')));

    // Generous: the start compiles TypeScript and hashes passwords on a shared 2-core machine.
    await until('completed orders', 45_000, () => {
      const completed = /completed ([\d,.]+)/.exec(screen())?.[1];
      return completed !== undefined && Number(completed.replace(/,/g, '')) > 0 ? completed : undefined;
    });
    expect(screen()).toContain('rest · inproc · 20.0/s intended');
    for (const line of screen().split('\n')) expect([...line].length).toBeLessThanOrEqual(80);

    tmux('send-keys', '-t', 'dash', '+');
    await until('the new rate', 5_000, () => (screen().includes('25.0/s intended') ? true : undefined));

    tmux('send-keys', '-t', 'dash', 'q');
    await until('the exit', 15_000, () => (screen().includes('exited 0') ? true : undefined));
    expect(existsSync(`/proc/${dashboard}`)).toBe(false);
    // Only the shell's `sleep` is left under the pane: no service, broker or worker of the dashboard.
    const left = descendantsOf(shell).map((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ').trim());
    expect(left.filter((cmd) => !cmd.startsWith('sleep'))).toEqual([]);
  }, 75_000);

  it('refuses a stdout that is not a terminal before starting anything', () => {
    let status = 0;
    let stderr = '';
    try {
      execFileSync(BIN, ['dashboard'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      ({ status, stderr } = error as { status: number; stderr: string });
    }
    expect(status).toBe(2);
    expect(stderr).toBe('interplay: the dashboard needs a terminal; use bench for a report\n');
  });
});
