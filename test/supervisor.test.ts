import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createSupervisor } from '../src/runtime/supervisor.ts';
import type { ProcessName, ProcessSpec, Supervisor, SupervisorEvent, SupervisorOptions } from '../src/runtime/supervisor.ts';
import { eventually } from './support/nats.ts';
import { isAlive } from './support/processes.ts';

const CHILD = fileURLToPath(new URL('./fixtures/supervised-child.ts', import.meta.url));

function aChild(flags: readonly string[] = [], overrides: Partial<ProcessSpec> = {}): ProcessSpec {
  return { service: 'echo', replica: 1, command: process.execPath, args: ['--import', 'tsx', CHILD, ...flags], ...overrides };
}

async function health(url: string): Promise<{ pid: number; restarts: number; replica: number }> {
  const res = await fetch(`${url}/health`);
  return (await res.json()) as { pid: number; restarts: number; replica: number };
}

let current: Supervisor | undefined;
let events: SupervisorEvent[] = [];

/** A supervisor with quick restarts that records its events and is shut down after each test. */
function supervise(opts: SupervisorOptions = {}): Supervisor {
  events = [];
  current = createSupervisor({
    minBackoffMs: 50,
    maxBackoffMs: 400,
    readyTimeoutMs: 10_000,
    stopTimeoutMs: 2_000,
    onEvent: (e) => events.push(e),
    stdout: () => {},
    stderr: () => {},
    ...opts,
  });
  return current;
}

const typesOf = (name: string): string[] =>
  events.filter((e) => `${e.info.service}#${e.info.replica}` === name).map((e) => e.type);

afterEach(async () => {
  await current?.shutdown();
  current = undefined;
});

describe('supervisor', () => {
  it('start - resolves on the ready line; list shows the pid, url, state up and no restarts', async () => {
    const sup = supervise();
    const started = await sup.start(aChild([], { replica: 2 }));

    expect(sup.list()).toEqual([started]);
    expect(started).toMatchObject({ service: 'echo', replica: 2, state: 'up', restarts: 0 });
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await health(started.url!)).toEqual({ pid: started.pid, restarts: 0, replica: 2 });
    expect(typesOf('echo#2')).toEqual(['starting', 'ready']);
  });

  it('a child that is up outlives readyTimeoutMs: the deadline is for the ready line only', async () => {
    const sup = supervise({ readyTimeoutMs: 3_000 });
    const { pid } = await sup.start(aChild());
    // Half a second past the deadline counted from the spawn: a timer left running would have killed it.
    const spawnedAt = events.find((e) => e.type === 'starting')!.at;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, spawnedAt + 3_500 - Date.now())));

    expect(sup.list()[0]).toMatchObject({ pid, state: 'up', restarts: 0 });
    expect(isAlive(pid!)).toBe(true);
  });

  it('a child SIGKILLed from outside is restarted: a new pid answers, restarts is 1, exit and ready were seen', async () => {
    const sup = supervise();
    const first = await sup.start(aChild());
    process.kill(first.pid!, 'SIGKILL');

    const again = await eventually(() => sup.list().find((p) => p.state === 'up' && p.pid !== first.pid), {
      what: 'a restarted child',
    });
    expect(again).toMatchObject({ restarts: 1, lastExit: { code: null, signal: 'SIGKILL' } });
    expect(await health(again.url!)).toMatchObject({ pid: again.pid, restarts: 1 });
    expect(typesOf('echo#1')).toEqual(['starting', 'ready', 'exit', 'restart-scheduled', 'starting', 'ready']);
    expect(events.find((e) => e.type === 'exit')).toMatchObject({ expected: false });
    expect(events.find((e) => e.type === 'restart-scheduled')).toMatchObject({ delayMs: 50, failures: 1 });
  });

  it('stop - the child stays down, not restarted; startAgain brings it back with the same spec', async () => {
    const sup = supervise();
    const first = await sup.start(aChild());
    await sup.stop('echo');

    expect(isAlive(first.pid!)).toBe(false);
    expect(sup.list()[0]).toMatchObject({ state: 'stopped', pid: undefined, url: undefined, restarts: 0 });
    // Twenty times the restart delay: a restart, were one scheduled, would have happened by now.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(sup.list()[0]?.state).toBe('stopped');
    expect(typesOf('echo#1')).toEqual(['starting', 'ready', 'exit', 'stopped']);
    expect(events.find((e) => e.type === 'exit')).toMatchObject({ expected: true });

    await sup.startAgain('echo', 1);
    const back = sup.list()[0]!;
    expect(back).toMatchObject({ state: 'up', restarts: 0 });
    expect(back.pid).not.toBe(first.pid);
    expect(await health(back.url!)).toMatchObject({ pid: back.pid });
  });

  it('stop - SIGKILLs a child that ignores SIGTERM once stopTimeoutMs has passed', async () => {
    const sup = supervise({ stopTimeoutMs: 500 });
    const { pid } = await sup.start(aChild(['--ignore-sigterm']));
    const began = Date.now();
    await sup.stop('echo', 1);

    expect(Date.now() - began).toBeGreaterThanOrEqual(500);
    expect(isAlive(pid!)).toBe(false);
    expect(sup.list()[0]).toMatchObject({ state: 'stopped', lastExit: { signal: 'SIGKILL' } });
  });

  it('a crash loop is restarted after doubling delays up to the cap, never sooner', async () => {
    const sup = supervise({ minBackoffMs: 50, maxBackoffMs: 400 });
    const { pid } = await sup.start(aChild(['--exit-on-restart']));
    const cpuBefore = process.cpuUsage();
    const began = Date.now();
    process.kill(pid!, 'SIGKILL');

    await eventually(() => events.filter((e) => e.type === 'restart-scheduled').length >= 6, {
      what: 'six scheduled restarts',
      timeoutMs: 20_000,
    });
    const scheduled = events.filter((e) => e.type === 'restart-scheduled');
    expect(scheduled.map((e) => e.delayMs)).toEqual([50, 100, 200, 400, 400, 400]);
    // Each restart spawned no sooner than its delay after the exit that scheduled it.
    for (const s of scheduled.slice(0, 5)) {
      const nextStart = events.find((e) => e.type === 'starting' && e.at >= s.at);
      expect(nextStart!.at - s.at).toBeGreaterThanOrEqual(s.delayMs - 5);
    }
    // The supervisor waits in timers: its own CPU stays a small share of the time that passed.
    const cpu = process.cpuUsage(cpuBefore);
    expect((cpu.user + cpu.system) / 1000).toBeLessThan((Date.now() - began) * 0.5);
    expect(sup.list()[0]?.state).not.toBe('up');
  });

  it('a crash loop is given up after maxConsecutiveFailures and left stopped', async () => {
    const sup = supervise({ maxConsecutiveFailures: 2 });
    const { pid } = await sup.start(aChild(['--exit-on-restart']));
    process.kill(pid!, 'SIGKILL');

    const gaveUp = await eventually(() => events.find((e) => e.type === 'gave-up'), { what: 'gave-up' });
    expect(gaveUp).toMatchObject({ failures: 2, info: { state: 'stopped', restarts: 2 } });
    expect(events.filter((e) => e.type === 'starting')).toHaveLength(3);
  });

  it('start - rejects after readyTimeoutMs when the child never prints ready, leaving no process', async () => {
    const sup = supervise({ readyTimeoutMs: 1_500 });
    const began = Date.now();

    await expect(sup.start(aChild(['--never-ready']))).rejects.toMatchObject({
      code: 'RUNTIME.PROCESS_START_FAILED',
      message: expect.stringContaining('no ready line within 1500 ms'),
    });
    expect(Date.now() - began).toBeGreaterThanOrEqual(1_500);
    const pid = events.find((e) => e.type === 'starting')!.info.pid!;
    expect(isAlive(pid)).toBe(false);
    expect(sup.list()).toEqual([]);
  });

  it('start - rejects when the child exits before ready, with its stderr, and does not restart it', async () => {
    const sup = supervise();

    await expect(sup.start(aChild(['--warn', 'config is bad', '--exit-at-start']))).rejects.toMatchObject({
      code: 'RUNTIME.PROCESS_START_FAILED',
      message: expect.stringMatching(/exited before its ready line \(code 1\)[^]*config is bad/),
    });
    expect(typesOf('echo#1')).toEqual(['starting', 'exit']);
    expect(sup.list()).toEqual([]);
  });

  it('passes stdout lines through whole (a 200 kB line too) and stderr lines, naming the process', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const sink = (into: string[]) => (line: string, from: ProcessName) => into.push(`${from.service}#${from.replica} ${line}`);
    const sup = supervise({ stdout: sink(out), stderr: sink(err) });
    await sup.start(aChild(['--warn', 'warming up', '--say', '{"delivered":1}', '--big-line', '200000']));

    await eventually(() => out.length >= 2, { what: 'two stdout lines' });
    expect(out[0]).toBe('echo#1 {"delivered":1}');
    expect(out[1]).toHaveLength('echo#1 '.length + 200_000);
    expect(JSON.parse(out[1]!.slice('echo#1 '.length))).toMatchObject({ fill: expect.any(String) });
    expect(err).toEqual(['echo#1 warming up']);
  });

  it('kill - signals every replica of a service, resolves once they are down, and waitReady sees them back', async () => {
    const sup = supervise();
    const a = await sup.start(aChild([], { replica: 1 }));
    const b = await sup.start(aChild([], { replica: 2 }));

    const killed = await sup.kill('echo');
    expect(killed.map((p) => [p.replica, p.state, p.lastExit?.signal])).toEqual([
      [1, 'backoff', 'SIGKILL'],
      [2, 'backoff', 'SIGKILL'],
    ]);
    expect([a.pid, b.pid].map((pid) => isAlive(pid!))).toEqual([false, false]);

    await sup.waitReady('echo');
    expect(sup.list().map((p) => [p.state, p.restarts])).toEqual([
      ['up', 1],
      ['up', 1],
    ]);
  });

  it('refuses names it does not supervise and a second start of a running one', async () => {
    const sup = supervise();
    await sup.start(aChild());

    await expect(sup.stop('billing')).rejects.toMatchObject({ code: 'RUNTIME.UNKNOWN_PROCESS' });
    await expect(sup.kill('echo', 3)).rejects.toMatchObject({ code: 'RUNTIME.UNKNOWN_PROCESS' });
    await expect(sup.start(aChild())).rejects.toMatchObject({ code: 'RUNTIME.PROCESS_ALREADY_SUPERVISED' });
  });

  it('shutdown - stops the last started service first, then the others; a second call is harmless; start is refused after', async () => {
    const sup = supervise();
    const started = [
      await sup.start(aChild([], { service: 'a', replica: 1 })),
      await sup.start(aChild([], { service: 'a', replica: 2 })),
      await sup.start(aChild([], { service: 'b', replica: 1 })),
    ];

    await Promise.all([sup.shutdown(), sup.shutdown()]);
    await sup.shutdown();

    expect(started.map((p) => isAlive(p.pid!))).toEqual([false, false, false]);
    expect(sup.list().every((p) => p.state === 'stopped')).toBe(true);
    const stopped = events.filter((e) => e.type === 'stopped').map((e) => `${e.info.service}#${e.info.replica}`);
    expect(stopped[0]).toBe('b#1');
    expect([...stopped].sort()).toEqual(['a#1', 'a#2', 'b#1']);
    await expect(sup.start(aChild([], { service: 'c' }))).rejects.toMatchObject({ code: 'RUNTIME.SUPERVISOR_CLOSED' });
  });
});
