import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareRepeats } from './compare.ts';
import type { ReportErrorCode } from './errors.ts';
import { defaultReportDir, readReports, readSaved, writeHtmlReport, writeReports, writeRunReport } from './files.ts';
import { renderMarkdown } from './markdown.ts';
import { aCompare, aRun, aTimeline } from './test-builders.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'interplay-report-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** every file under `root`, relative, sorted */
async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
    .sort();
}

const failsWith = async (promise: Promise<unknown>, code: ReportErrorCode): Promise<void> => {
  await expect(promise).rejects.toMatchObject({ name: 'ReportError', code });
};

describe('writeReports and readReports', () => {
  it('round-trips a comparison: write, read, deep equal', async () => {
    const compare = aCompare();
    await writeReports(dir, compare);
    expect(await readReports(dir)).toEqual(compare);
  });

  it('round-trips runs with a per-second timeline beside runs saved without one', async () => {
    const compare = aCompare([aRun({ style: 'rest', timeline: aTimeline() }), aRun({ style: 'collaboration' })]);
    await writeReports(dir, compare);
    expect(await readReports(dir)).toEqual(compare);
  });

  it('writes report.html beside the JSON and nothing else', async () => {
    await writeRunReport(dir, aRun());
    const path = await writeHtmlReport(dir, aRun());
    expect(path).toBe(join(dir, 'report.html'));
    expect(await filesUnder(dir)).toEqual(['report.html', 'run.json', 'summary.md']);
    expect(await readFile(path, 'utf8')).toMatch(/^<!doctype html>[\s\S]*<\/html>\n$/);
  });

  it('round-trips the repeats of compare --repeat, so a saved comparison can be a baseline', async () => {
    const compare = compareRepeats([aRun({ style: 'rest' }), aRun({ style: 'rest', latency: { completion: { p99: 99 } } })], '2026-11-25T13:07:12.000Z');
    await writeReports(dir, compare);
    expect((await readReports(dir)).repeats).toEqual(compare.repeats);
  });

  it('writes a run.json per style, compare.json and summary.md, and no temp files', async () => {
    const written = await writeReports(dir, aCompare());
    expect(await filesUnder(dir)).toEqual(
      ['collaboration/run.json', 'compare.json', 'notification/run.json', 'rest/run.json', 'summary.md'].map((f) => join(f)),
    );
    expect(written.at(-1)).toBe(join(dir, 'compare.json'));
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).toContain('## interplay: rest vs notification vs collaboration');
  });

  it('replaces reports already in the directory', async () => {
    await writeReports(dir, aCompare([aRun({ style: 'rest', orders: { placed: 1 } })]));
    const second = aCompare([aRun({ style: 'rest', orders: { placed: 2 } })]);
    await writeReports(dir, second);
    expect(await readReports(dir)).toEqual(second);
  });

  it('leaves no temp file behind when a write fails', async () => {
    // A directory where compare.json should go makes the final rename fail.
    await mkdir(join(dir, 'compare.json'));
    await expect(writeReports(dir, aCompare())).rejects.toThrow();
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('builds a comparison from <style>/run.json files when compare.json is missing', async () => {
    const compare = aCompare();
    await writeReports(dir, compare);
    await rm(join(dir, 'compare.json'));
    const read = await readReports(dir);
    expect(read.runs).toEqual(compare.runs);
    expect(read.ratios).toEqual(compare.ratios);
    expect(read.createdAt).toBe('2026-11-25T13:05:00.000Z');
  });

  it('reads back a single-style bench written by writeRunReport', async () => {
    const run = aRun({ style: 'notification' });
    await writeRunReport(dir, run);
    expect(await filesUnder(dir)).toEqual(['run.json', 'summary.md']);
    const read = await readReports(dir);
    expect(read.runs).toEqual([run]);
    expect(read.ratios).toEqual({});
  });

  it('reads a run saved before orders were shed as one with none shed', async () => {
    const run = aRun({ style: 'rest', orders: { shed: 0 } });
    const { shed: _none, ...orders } = run.orders;
    await writeFile(join(dir, 'run.json'), JSON.stringify({ ...run, orders }));

    const read = await readReports(dir);

    expect(read.runs).toEqual([run]);
  });
});

describe('readSaved', () => {
  it('gives back the run itself for a single-style bench, and its markdown is summary.md byte for byte', async () => {
    const run = aRun({ style: 'collaboration', orders: { failed: 2 }, errors: { 'http 503': 2 } });
    await writeRunReport(dir, run);
    const saved = await readSaved(dir);
    expect(saved).toEqual(run);
    expect(renderMarkdown(saved)).toBe(await readFile(join(dir, 'summary.md'), 'utf8'));
  });

  it('gives back the comparison for a compare directory, and its markdown is summary.md byte for byte', async () => {
    const compare = aCompare();
    await writeReports(dir, compare);
    const saved = await readSaved(dir);
    expect(saved).toEqual(compare);
    expect(renderMarkdown(saved)).toBe(await readFile(join(dir, 'summary.md'), 'utf8'));
  });
});

describe('readReports errors', () => {
  it('REPORT.DIR_NOT_FOUND for a missing directory', async () => {
    await failsWith(readReports(join(dir, 'nope')), 'REPORT.DIR_NOT_FOUND');
  });

  it('REPORT.DIR_NOT_FOUND for a file given as the directory', async () => {
    await writeFile(join(dir, 'file'), '');
    await failsWith(readReports(join(dir, 'file')), 'REPORT.DIR_NOT_FOUND');
  });

  it('REPORT.NO_REPORTS for a directory without reports', async () => {
    await mkdir(join(dir, 'rest'));
    await failsWith(readReports(dir), 'REPORT.NO_REPORTS');
  });

  it('REPORT.BAD_JSON, naming the file, for a truncated report', async () => {
    await writeFile(join(dir, 'compare.json'), '{"schema": "interplay/compare@1", "runs": [');
    await failsWith(readReports(dir), 'REPORT.BAD_JSON');
    await expect(readReports(dir)).rejects.toThrow(join(dir, 'compare.json'));
  });

  it('REPORT.UNKNOWN_SCHEMA for a newer schema version', async () => {
    await writeFile(join(dir, 'run.json'), JSON.stringify({ ...aRun(), schema: 'interplay/run@2' }));
    await failsWith(readReports(dir), 'REPORT.UNKNOWN_SCHEMA');
  });

  it('REPORT.UNKNOWN_SCHEMA for JSON that is no interplay report', async () => {
    await writeFile(join(dir, 'compare.json'), '{"name": "package.json"}');
    await failsWith(readReports(dir), 'REPORT.UNKNOWN_SCHEMA');
  });

  it('REPORT.UNKNOWN_SCHEMA for a run where a comparison belongs', async () => {
    await writeFile(join(dir, 'compare.json'), JSON.stringify(aRun()));
    await failsWith(readReports(dir), 'REPORT.UNKNOWN_SCHEMA');
  });

  it('REPORT.INVALID, naming the field, for a run missing what the tables show', async () => {
    const broken = aRun({ orders: { placed: '6000' as unknown as number } });
    await writeFile(join(dir, 'run.json'), JSON.stringify(broken));
    await failsWith(readReports(dir), 'REPORT.INVALID');
    await expect(readReports(dir)).rejects.toThrow(`${join(dir, 'run.json')} is not a valid interplay/run@1 report: orders.placed is not a number.`);
  });

  it('REPORT.INVALID, naming the field, for a run missing a part', async () => {
    const { orders: _orders, ...broken } = aRun();
    await writeFile(join(dir, 'run.json'), JSON.stringify(broken));
    await failsWith(readReports(dir), 'REPORT.INVALID');
    await expect(readReports(dir)).rejects.toThrow('orders is missing');
  });

  it('REPORT.INVALID for a timeline that is not a list of seconds', async () => {
    await writeFile(join(dir, 'run.json'), JSON.stringify({ ...aRun(), timeline: [{ t: 0, offered: '20' }] }));
    await expect(readReports(dir)).rejects.toThrow('timeline[0].accepted is missing');
  });
});

describe('defaultReportDir', () => {
  it('is reports/<UTC timestamp to the second> with no colons', () => {
    expect(defaultReportDir(new Date('2026-11-25T13:05:00.789Z'))).toBe(join('reports', '2026-11-25T13-05-00Z'));
  });
});
