import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { compareRuns } from './compare.ts';
import { ReportError } from './errors.ts';
import { renderHtml } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import { parseReport, parseRunReport } from './parse.ts';
import type { CompareReport, RunReport } from '../model/schema.ts';

const RAW_DIR = 'raw';
const RUN_FILE = 'run.json';
const COMPARE_FILE = 'compare.json';
const SUMMARY_FILE = 'summary.md';
const HTML_FILE = 'report.html';

/**
 * Saves a comparison as `<style>/run.json` per run, `summary.md` and `compare.json`, each
 * written atomically. compare.json goes last, so when it exists the set is complete.
 * @returns the paths written, in order
 */
export async function writeReports(dir: string, compare: CompareReport): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const run of compare.runs) {
    await mkdir(join(dir, run.style), { recursive: true });
    written.push(await writeAtomic(join(dir, run.style, RUN_FILE), json(run)));
  }
  written.push(await writeAtomic(join(dir, SUMMARY_FILE), renderMarkdown(compare)));
  written.push(await writeAtomic(join(dir, COMPARE_FILE), json(compare)));
  return written;
}

/** Saves one style's bench as `run.json` and `summary.md`. @returns the paths written */
export async function writeRunReport(dir: string, run: RunReport): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  return [await writeAtomic(join(dir, RUN_FILE), json(run)), await writeAtomic(join(dir, SUMMARY_FILE), renderMarkdown(run))];
}

/**
 * Saves the raw runs a bench collected (what was sent, answered and delivered when; counters and
 * process samples), so a result can be aggregated again: `raw/<label>.json`. @returns the paths written
 */
export async function writeRawRuns(dir: string, raws: readonly { readonly label: string; readonly raw: unknown }[]): Promise<string[]> {
  if (raws.length === 0) return [];
  await mkdir(join(dir, RAW_DIR), { recursive: true });
  const written: string[] = [];
  for (const { label, raw } of raws) written.push(await writeAtomic(join(dir, RAW_DIR, `${label}.json`), JSON.stringify(raw)));
  return written;
}

/** Writes `report.html` (see renderHtml) into `dir`, atomically. @returns its path */
export async function writeHtmlReport(dir: string, report: CompareReport | RunReport): Promise<string> {
  const html = await renderHtml(report);
  await mkdir(dir, { recursive: true });
  return writeAtomic(join(dir, HTML_FILE), html);
}

/**
 * Reads saved reports back as a comparison: from compare.json, else from `<style>/run.json`
 * files, else from a single run.json. Ratios are recomputed from the runs, so they always
 * agree with them; createdAt is the saved one, or the latest run start when there is none.
 */
export async function readReports(dir: string): Promise<CompareReport> {
  const saved = await readSaved(dir);
  return saved.schema === 'interplay/compare@1' ? saved : compareRuns([saved], saved.environment.startedAt);
}

/**
 * Reads saved reports back as they were written: the run itself for a single-style bench
 * (run.json), else the comparison, as `readReports` finds it. Rendering what this returns
 * gives what bench or compare printed and wrote.
 */
export async function readSaved(dir: string): Promise<CompareReport | RunReport> {
  const info = await stat(dir).catch((cause: unknown) => {
    if (!isMissing(cause)) throw cause;
    throw new ReportError('REPORT.DIR_NOT_FOUND', `No report directory ${dir}.`, { path: dir, cause });
  });
  if (!info.isDirectory()) throw new ReportError('REPORT.DIR_NOT_FOUND', `${dir} is not a directory.`, { path: dir });

  const comparePath = join(dir, COMPARE_FILE);
  const compareText = await readIfExists(comparePath);
  if (compareText !== undefined) {
    const report = parseReport(compareText, comparePath);
    if (report.schema !== 'interplay/compare@1') {
      throw new ReportError('REPORT.UNKNOWN_SCHEMA', `${comparePath} has schema "${report.schema}" where interplay/compare@1 belongs.`, {
        path: comparePath,
      });
    }
    // Ratios are recomputed; the repeats are measurements and are kept as saved.
    const compare = compareRuns(report.runs, report.createdAt);
    return report.repeats ? { ...compare, repeats: report.repeats } : compare;
  }

  const runs: RunReport[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name, RUN_FILE);
    const text = await readIfExists(path);
    if (text !== undefined) runs.push(parseRunReport(text, path));
  }
  if (runs.length === 0) {
    const path = join(dir, RUN_FILE);
    const text = await readIfExists(path);
    if (text !== undefined) return parseRunReport(text, path);
    throw new ReportError('REPORT.NO_REPORTS', `${dir} holds no ${COMPARE_FILE}, */${RUN_FILE} or ${RUN_FILE}.`, { path: dir });
  }
  const latestStart = runs.map((r) => r.environment.startedAt).sort().at(-1) ?? '';
  return compareRuns(runs, latestStart);
}

/** `reports/2026-11-25T13-05-00Z`: UTC, to the second, with no characters a filesystem refuses */
export function defaultReportDir(now: Date): string {
  return join('reports', now.toISOString().replace(/\.\d+Z$/, 'Z').replaceAll(':', '-'));
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/**
 * Writes a temp file beside the target, flushes it and renames it over the target, so a
 * crash leaves the old file or the new one, never half of one. @returns `path`
 */
export async function writeAtomic(path: string, text: string): Promise<string> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const file = await open(temp, 'wx');
    try {
      await file.writeFile(text, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
    return path;
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

const isMissing = (err: unknown): boolean => {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};
