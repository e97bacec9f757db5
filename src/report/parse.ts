import { ReportError } from './errors.ts';
import { CompareReportSchema, RunReportSchema } from '../model/schema.ts';
import type { CompareReport, RunReport } from '../model/schema.ts';
import { checkAgainst } from './validate.ts';

const RUN_SCHEMA = 'interplay/run@1';
const COMPARE_SCHEMA = 'interplay/compare@1';

/**
 * Parses saved JSON and checks it against its schema (src/model/schema.ts, published as
 * docs/schema/*.schema.json), so a damaged or foreign file fails here naming the file and the
 * field rather than as a crash in a table.
 */
export function parseReport(text: string, path: string): RunReport | CompareReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new ReportError('REPORT.BAD_JSON', `${path} is not valid JSON: ${(cause as Error).message}`, { path, cause });
  }
  if (!isRecord(value)) throw new ReportError('REPORT.INVALID', `${path} is not a valid interplay report: the top level is not an object.`, { path });
  const schema = value['schema'];
  if (schema === RUN_SCHEMA) {
    fillShed(value);
    return checkAgainst(RunReportSchema, value, path, `${RUN_SCHEMA} report`) as RunReport;
  }
  if (schema === COMPARE_SCHEMA) {
    const runs = value['runs'];
    if (Array.isArray(runs)) {
      runs.forEach((run: unknown, i) => {
        if (!isRecord(run) || run['schema'] !== RUN_SCHEMA) {
          throw new ReportError('REPORT.UNKNOWN_SCHEMA', `${path}: runs[${i}] is not an ${RUN_SCHEMA} report.`, { path });
        }
        fillShed(run);
      });
    }
    return checkAgainst(CompareReportSchema, value, path, `${COMPARE_SCHEMA} report`) as CompareReport;
  }
  throw new ReportError(
    'REPORT.UNKNOWN_SCHEMA',
    typeof schema === 'string'
      ? `${path} has schema "${schema}"; this interplay reads ${RUN_SCHEMA} and ${COMPARE_SCHEMA}.`
      : `${path} has no "schema" field; it is not an interplay report.`,
    { path },
  );
}

export function parseRunReport(text: string, path: string): RunReport {
  const report = parseReport(text, path);
  if (report.schema !== RUN_SCHEMA) {
    throw new ReportError('REPORT.UNKNOWN_SCHEMA', `${path} has schema "${report.schema}" where ${RUN_SCHEMA} belongs.`, { path });
  }
  return report;
}

/** Runs saved before the system shed load have no count of shed orders: none were. */
function fillShed(run: Record<string, unknown>): void {
  const orders = run['orders'];
  if (isRecord(orders) && orders['shed'] === undefined) orders['shed'] = 0;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
