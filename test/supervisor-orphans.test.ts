import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from './support/nats.ts';
import { isAlive } from './support/processes.ts';

const PARENT = fileURLToPath(new URL('./fixtures/supervisor-parent.ts', import.meta.url));
const IDLE = fileURLToPath(new URL('./fixtures/supervised-idle.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Parent {
  readonly proc: ChildProcessByStdio<null, Readable, Readable>;
  readonly stdout: string[];
  readonly stderr: string[];
  readonly childPids: number[];
}

const leftovers: number[] = [];

/** Runs the parent fixture (a supervisor of two children) and waits for the pids it prints. */
async function startParent(): Promise<Parent> {
  const proc = spawn(process.execPath, ['--import', 'tsx', PARENT], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: proc.stdout }).on('line', (line) => stdout.push(line));
  createInterface({ input: proc.stderr }).on('line', (line) => stderr.push(line));
  const pidsLine = await eventually(() => stdout.find((l) => l.startsWith('pids ')), {
    what: `the parent's pids line (stderr: ${stderr.join(' | ')})`,
    timeoutMs: 20_000,
  });
  const childPids = pidsLine.split(' ').slice(1).map(Number);
  leftovers.push(proc.pid!, ...childPids);
  return { proc, stdout, stderr, childPids };
}

/** The idle fixture with an IPC channel, as the supervisor spawns children. */
async function runIdle(flags: readonly string[]): Promise<{ proc: ChildProcess; out: () => string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', IDLE, ...flags], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  leftovers.push(proc.pid!);
  let out = '';
  proc.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return { proc, out: () => out };
}

afterEach(() => {
  // A failed test must not leave processes behind for the next ones on a shared machine.
  for (const pid of leftovers.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
});

describe('supervisor - no orphans', () => {
  it('children exit on their own within a few seconds when their supervisor is SIGKILLed', async () => {
    const parent = await startParent();
    expect(parent.childPids).toHaveLength(2);
    expect(parent.childPids.every(isAlive)).toBe(true);

    parent.proc.kill('SIGKILL');

    await eventually(() => parent.childPids.every((pid) => !isAlive(pid)), {
      what: 'both children to exit',
      timeoutMs: 5_000,
    });
  });

  it('shutdown from the parent\'s SIGTERM handler stops the children; their output reached the parent whole', async () => {
    const parent = await startParent();
    const exited = new Promise<number | null>((resolve) => parent.proc.once('exit', (code) => resolve(code)));

    parent.proc.kill('SIGTERM');

    expect(await exited).toBe(0);
    expect(parent.childPids.some(isAlive)).toBe(false);
    expect(parent.stdout).toEqual(expect.arrayContaining(['hello from echo#1', 'hello from echo#2']));
    expect(parent.stdout.some((l) => l.startsWith('ready '))).toBe(false);
    expect(parent.stderr).toEqual(expect.arrayContaining(['[echo#1] warming up', '[echo#2] warming up']));
  });

  it('exitWithSupervisor - does not keep an idle child alive while its supervisor still runs', async () => {
    const child = await runIdle([]);

    await eventually(() => child.proc.exitCode !== null, { what: 'the idle child to exit', timeoutMs: 5_000 });
    expect(child.proc.exitCode).toBe(0);
    expect(child.out()).toBe('watching\n');
  });

  it('exitWithSupervisor - a child that looks only after its supervisor is gone still stops gracefully', async () => {
    const child = await runIdle(['--hold', '--late', '300']);
    child.proc.disconnect();

    await eventually(() => child.proc.exitCode !== null, { what: 'the child to exit', timeoutMs: 5_000 });
    expect(child.proc.exitCode).toBe(0);
    expect(child.out()).toBe('graceful stop\nwatching\n');
  });
});
