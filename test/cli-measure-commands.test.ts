import { describe, expect, it } from 'vitest';
import { runInterplay, type Exit } from './support/interplay.ts';

/** One "interplay:" line on stderr (a bad option value adds the command's --help hint), nothing on stdout, exit code 2. */
function expectUsageError(exit: Exit, line: string): void {
  expect(exit.code).toBe(2);
  expect(exit.stdout).toBe('');
  const [first, ...rest] = exit.stderr.trimEnd().split('\n');
  expect(first).toBe(`interplay: ${line}`);
  expect(rest.filter((l) => !/^\(interplay \w+ --help lists its options\)$/.test(l)), exit.stderr).toEqual([]);
}

describe('soak, growth and ceiling refuse bad input before starting anything', () => {
  it.each([
    [['soak', '--style', 'grpc'], `option '--style <style>' argument 'grpc' is invalid. Allowed choices are rest, notification, collaboration.`],
    [['soak', '--rate', '0'], "option '--rate <n>' argument '0' is invalid. must be a number of orders per second above 0, at most 100000."],
    [['soak', '--duration', '10'], "option '--duration <time>' argument '10' is invalid. must be a duration such as 500ms, 20s or 2m."],
    [['soak', '--duration', '1m', '--window', '90s'], '--window must not be longer than --duration'],
    [['soak', '--window', '500ms'], '--window must be at least 1s: each row samples every process of the system'],
    [['soak', '--duration', '1441m'], '--duration of a soak must be at most 24h (1440m)'],
    [['soak', '--minutes', '3'], "unknown option '--minutes'"],
    [['growth', '--styles', 'rest,grpc'], "option '--styles <list>' argument 'rest,grpc' is invalid. must be a comma-separated list of rest, notification, collaboration."],
    [['growth', '--orders', '0'], "option '--orders <n>' argument '0' is invalid. must be a whole number from 1 to 100000000."],
    [['growth', '--nats', 'http://127.0.0.1:4222'], "option '--nats <url>' argument 'http://127.0.0.1:4222' is invalid. must be a NATS URL, or several separated by commas, for example nats://127.0.0.1:4222."],
    [['ceiling', '--seconds', '2m'], "option '--seconds <time>' argument '2m' is invalid. must be a duration above 0 and at most 60s, such as 500ms or 3s."],
    [['ceiling', '--half', '11m'], '--half must be above 0s and at most 10m'],
    [['ceiling', '--connections', '4'], 'ceiling ramps the open loop; it cannot go with --connections'],
    [['ceiling', '--json'], 'ceiling prints tables and saves every result as JSON in --out; it has no --json'],
    [['ceiling', '--topology', 'external'], '--topology external needs --base-url'],
    [['ceiling', '--database-url', 'postgres://127.0.0.1:5432'], '--database-url goes with --store postgres'],
  ])('%j: one line, exit 2', { timeout: 30_000 }, async (args, line) => {
    expectUsageError(await runInterplay(args, {}, ['INTERPLAY_STORE', 'DATABASE_URL', 'NATS_URL']), line);
  });

  it('ceiling ramps from its own defaults, which --help shows, and hides the load flags it refuses', { timeout: 30_000 }, async () => {
    const help = await runInterplay(['ceiling', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--rate <n>[^]*?\(default: 60\)/);
    expect(help.stdout).toMatch(/--duration <time>[^]*?\(default: 8s\)/);
    expect(help.stdout).toMatch(/--drain <time>[^]*?\(default: 10s\)/);
    expect(help.stdout).toContain('--store <kind>');
    const listed = help.stdout.split('\n').flatMap((line) => /^\s+(--[a-z-]+)/.exec(line)?.[1] ?? []);
    expect(listed).toContain('--calibration');
    for (const refused of ['--connections', '--find-max', '--calibrate', '--json']) expect(listed).not.toContain(refused);
  });
});
