import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBaseline } from './baseline.ts';
import { aCompare, aRun } from './test-builders.ts';

describe('loadBaseline', () => {
  let dir: string;
  const file = async (name: string, text: string): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'interplay-baseline-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a saved compare.json that has every style asked for', async () => {
    const saved = aCompare();
    const loaded = await loadBaseline(await file('good.json', JSON.stringify(saved)), ['rest', 'collaboration']);
    expect(loaded).toEqual({ ok: true, value: saved });
  });

  it.each([
    ['a missing file', async () => join(dir, 'none.json'), /^--baseline: .*none\.json does not exist; record one with interplay compare --out DIR/],
    ['a directory', async () => dir, /^--baseline: .* is a directory; give the compare\.json in it$/],
    ['text that is not JSON', () => file('text.json', 'not json'), /^--baseline: .*text\.json is not JSON: /],
    ['a run.json', () => file('run.json', JSON.stringify(aRun())), /^--baseline: .*run\.json is an interplay\/run@1 report; a baseline is a compare\.json/],
    ['JSON of something else', () => file('package.json', '{"name":"x"}'), /^--baseline: .*package\.json is not an interplay report/],
    ['JSON null', () => file('null.json', 'null'), /is not an interplay report/],
  ])('refuses %s with one sentence', async (_, path, message) => {
    const loaded = await loadBaseline(await path(), ['rest']);
    expect(loaded.ok).toBe(false);
    expect(!loaded.ok && loaded.error).toMatch(message);
  });

  it('names the field the gate reads that is not what the schema says', async () => {
    const saved = JSON.parse(JSON.stringify(aCompare())) as { runs: { latency: { completion: { p99: unknown } } }[] };
    saved.runs[1]!.latency.completion.p99 = '12 ms';
    const loaded = await loadBaseline(await file('p99.json', JSON.stringify(saved)), ['rest']);
    expect(loaded).toEqual({ ok: false, error: expect.stringMatching(/is not a valid interplay\/compare@1 report: runs\[1\]\.latency\.completion\.p99 is not a number\.$/) });
  });

  it('refuses repeats that are not lists of numbers', async () => {
    const loaded = await loadBaseline(await file('repeats.json', JSON.stringify({ ...aCompare(), repeats: { rest: { runs: 2, samples: { failed: ['0'] } } } })), ['rest']);
    expect(!loaded.ok && loaded.error).toMatch(/repeats\.rest\.samples\.failed\[0\] is not a number\.$/);
  });

  it('refuses a baseline without a style about to run, naming what it holds', async () => {
    const loaded = await loadBaseline(await file('rest.json', JSON.stringify(aCompare([aRun({ style: 'rest' })]))), ['rest', 'notification']);
    expect(loaded).toEqual({ ok: false, error: expect.stringMatching(/rest\.json has no run of notification; it holds rest$/) });
  });
});
