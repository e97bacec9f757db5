import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRunReport } from '../src/report/parse.ts';
import { NO_SHEDDING } from './support/bench.ts';
import { runInterplay } from './support/interplay.ts';

/** `interplay bench --topology processes --link-latency …`: what run.json says of each link. */

const out = mkdtempSync(join(tmpdir(), 'interplay-links-bench-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('bench with links between the services', () => {
  it("writes each link's bytes per direction and its own CPU into run.json, apart from the services'", async () => {
    const args = ['bench', '--style', 'rest', '--topology', 'processes', '--link-latency', '2ms', '--rate', '10', '--users', '4', '--duration', '2s', '--warmup', '500ms', '--out', out];
    const exit = await runInterplay(args, NO_SHEDDING);
    expect(exit.code, exit.stderr).toBe(0);
    const path = join(out, 'run.json');
    // The file is a valid interplay/run@1 report, as `interplay report` reads it.
    const run = parseRunReport(readFileSync(path, 'utf8'), path);
    expect(run.orders.placed).toBeGreaterThan(10);
    const links = run.links ?? {};
    // REST: order pays through billing and tells notification; each service fetches auth's keys.
    expect(Object.keys(links)).toEqual(expect.arrayContaining(['order>billing', 'order>notification']));
    const pay = links['order>billing']!;
    // Each payment is a request there and an answer back, both with HTTP headers at least.
    expect(pay.bytesPerOrder.forward).toBeGreaterThan(100);
    expect(pay.bytesPerOrder.backward).toBeGreaterThan(100);
    for (const [name, link] of Object.entries(links)) expect(link.cpuMs, name).toBeGreaterThanOrEqual(0);
    // The links' CPU is their own processes': all of it together is the `links` row of the CPU by process,
    // and none of the services' rows (read a moment apart, so within a few clock ticks of 10 ms per link).
    const linksCpu = Object.values(links).reduce((sum, link) => sum + link.cpuMs, 0);
    expect(linksCpu).toBeGreaterThan(0);
    expect(Math.abs(linksCpu - run.cost.byService['links']!.cpuMs)).toBeLessThanOrEqual(20 * Object.keys(links).length);
    expect(Object.keys(run.cost.byService)).toEqual(expect.arrayContaining(['order', 'billing', 'links']));
  }, 120_000);
});

describe('the link flags where they cannot apply', () => {
  it('explain refuses them in one line, with exit code 2, and its help does not offer them', async () => {
    const refused = await runInterplay(['explain', '--style', 'rest', '--link-latency', '5ms']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^interplay: explain takes no --link flags: .*bench or compare --topology processes\n$/);
    expect(refused.stdout).toBe('');
    const help = await runInterplay(['explain', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).not.toMatch(/--link/);
  }, 60_000);
});
