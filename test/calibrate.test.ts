import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCalibration } from '../src/report/calibration.ts';
import { runInterplay } from './support/interplay.ts';

const run = (args: readonly string[]) => runInterplay(args);

const isPositive = (n: unknown): boolean => typeof n === 'number' && Number.isFinite(n) && n > 0;

describe('interplay calibrate', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  // NATS_URL when set, else the private nats-server the command starts itself: without either it fails.
  it('--json measures every primitive and each style’s ceiling, all positive, in the form --calibration reads', { timeout: 120_000 }, async () => {
    const exit = await run(['calibrate', '--duration', '500ms', '--json']);

    expect(exit.code, exit.stderr).toBe(0);
    const calibration = JSON.parse(exit.stdout) as Record<string, any>;
    expect(calibration).toMatchObject({ schema: 'interplay/calibration@1', durationMs: 500 });
    expect(isPositive(calibration['cores'])).toBe(true);
    for (const name of ['hello', 'http', 'jetstream', 'sqlite']) {
      const p = calibration['primitives'][name];
      expect([name, isPositive(p.perSecond), isPositive(p.cpuUsPerOp), isPositive(p.ops), p.samples >= 2]).toEqual([name, true, true, true, true]);
    }
    for (const style of ['rest', 'notification', 'collaboration']) {
      const c = calibration['ceilings'][style];
      expect([style, isPositive(c.ordersPerSecond), isPositive(c.cpuMsPerOrder), isPositive(c.helloPerOrder)]).toEqual([style, true, true, true]);
    }
    // The collaboration style makes the fewest hops: its ceiling is above notification's.
    expect(calibration['ceilings'].collaboration.ordersPerSecond).toBeGreaterThan(calibration['ceilings'].notification.ordersPerSecond);
    expect(exit.stderr).toMatch(/^calibrate: hello for 500 ms$/m);
    // What bench and compare --calibration FILE read: the output saved as it is.
    expect(parseCalibration(exit.stdout, 'calibration.json').primitives).toEqual(calibration['primitives']);
  });

  it.each([
    [['calibrate', '--duration', '0s'], /--duration/],
    [['calibrate', '--duration', '3'], /--duration/],
    [['calibrate', '--cores', '0'], /--cores/],
  ])('%j exits 2 with one "interplay:" line naming the option and a --help hint', async (args, option) => {
    const exit = await run(args);

    expect(exit.code).toBe(2);
    expect(exit.stdout).toBe('');
    const lines = exit.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^interplay: /);
    expect(lines[0]).toMatch(option);
    expect(lines[1]).toBe('(interplay calibrate --help lists its options)');
  });

  it('bench --calibration with a file that is not a calibration exits 2 with one line naming the file, before any load', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'interplay-calibrate-'));
    dirs.push(dir);
    const file = join(dir, 'run.json');
    await writeFile(file, JSON.stringify({ schema: 'interplay/run@1' }));
    const missing = join(dir, 'missing.json');

    for (const [path, why] of [[file, /is not an interplay\/calibration@1 file/], [missing, /cannot read the calibration/]] as const) {
      const exit = await run(['bench', '--calibration', path]);
      expect(exit.code).toBe(2);
      expect(exit.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(why)]);
      expect(exit.stderr).toContain(path);
    }
    const both = await run(['compare', '--calibration', file, '--calibrate']);
    expect(both.code).toBe(2);
    expect(both.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^interplay: --calibration FILE and --calibrate/)]);
  });
});
