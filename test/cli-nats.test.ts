import { describe, expect, it } from 'vitest';
import { runInterplay, type Exit } from './support/interplay.ts';

/** One "interplay:" line on stderr (a bad option value adds the CLI's --help hint), no stack trace, exit code 2. */
function expectUsageError(exit: Exit, mentions: string): void {
  expect(exit.code).toBe(2);
  expect(exit.stdout).toBe('');
  const [first, ...rest] = exit.stderr.trimEnd().split('\n');
  expect(first).toMatch(/^interplay: /);
  expect(first).toContain(mentions);
  expect(rest.filter((line) => !/^\(interplay \w+ --help lists its options\)$/.test(line)), exit.stderr).toEqual([]);
}

describe('the NATS cluster flags refuse bad input before starting anything', () => {
  it.each([
    ['scenario', '2'],
    ['up', '4'],
    ['bench', 'three'],
    ['outage', '0'],
    ['chaos', '7'],
  ])('%s --nats-cluster %s: one line, exit 2', { timeout: 30_000 }, async (command, size) => {
    const exit = await runInterplay([command, '--nats-cluster', size]);
    expectUsageError(exit, '--nats-cluster');
    expect(exit.stderr).toContain('1, 3 or 5');
  });

  it('refuses --nats-cluster together with --nats, which names a broker already running', { timeout: 30_000 }, async () => {
    const exit = await runInterplay(['scenario', '--style', 'notification', '--nats-cluster', '3', '--nats', 'nats://127.0.0.1:4222']);
    expectUsageError(exit, 'cannot go with --nats');
  });

  it('refuses more stream replicas than the private servers it starts', { timeout: 30_000 }, async () => {
    const exit = await runInterplay(['scenario', '--style', 'notification', '--stream-replicas', '3'], {}, ['NATS_URL']);
    expectUsageError(exit, '--stream-replicas 3 needs at least that many nats-servers');
  });

  it('refuses a seed list with something that is not a NATS URL', { timeout: 30_000 }, async () => {
    const exit = await runInterplay(['scenario', '--nats', 'nats://127.0.0.1:4222,http://127.0.0.1:4223']);
    expectUsageError(exit, '--nats');
  });

  it('refuses INTERPLAY_STREAM_REPLICAS that is not a count', { timeout: 30_000 }, async () => {
    const exit = await runInterplay(['scenario', '--style', 'notification'], { INTERPLAY_STREAM_REPLICAS: 'lots' });
    expectUsageError(exit, 'INTERPLAY_STREAM_REPLICAS');
  });
});
