import { readFile } from 'node:fs/promises';
import type { Result } from '../model/result.ts';
import type { Style } from '../model/style.ts';
import { parseReport } from './parse.ts';
import type { CompareReport } from '../model/schema.ts';

/**
 * Reads a saved compare.json to gate against. Every way it can be unusable (missing, unreadable,
 * not JSON, another schema, a field missing or wrong, no run of a style about to run) is
 * one sentence, so the CLI can refuse before any load: a gate must never crash or pass silently.
 */
export async function loadBaseline(path: string, styles: readonly Style[]): Promise<Result<CompareReport, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return fail(`${path} does not exist; record one with interplay compare --out DIR and keep DIR/compare.json`);
    if (code === 'EISDIR') return fail(`${path} is a directory; give the compare.json in it`);
    return fail(`${path} cannot be read: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(`${path} is not JSON: ${(error as Error).message}`);
  }
  const schema = (value as { schema?: unknown } | null)?.schema;
  if (schema !== 'interplay/compare@1') {
    return fail(`${path} is ${typeof schema === 'string' ? `an ${schema} report` : 'not an interplay report'}; a baseline is a compare.json (interplay/compare@1)`);
  }
  let report: CompareReport;
  try {
    // The whole schema, so both what the gate reads and what the renderers read are checked, named by field.
    report = parseReport(text, path) as CompareReport;
  } catch (error) {
    return fail((error as Error).message);
  }
  const missing = styles.filter((style) => !report.runs.some((run) => run.style === style));
  if (missing.length > 0) return fail(`${path} has no run of ${missing.join(', ')}; it holds ${report.runs.map((r) => r.style).join(', ')}`);
  return { ok: true, value: report };
}

const fail = (error: string): Result<never, string> => ({ ok: false, error: `--baseline: ${error}` });
