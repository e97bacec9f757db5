import { STYLES } from '../transports/wiring.ts';
import { ReportError } from './errors.ts';
import type { CompareReport, RunReport } from './schema.ts';

const RUN_SCHEMA = 'interplay/run@1';
const COMPARE_SCHEMA = 'interplay/compare@1';

/**
 * Parses saved JSON and checks the schema name and every field the renderers read, so a
 * damaged or foreign file fails here with its path rather than as a crash in a table.
 */
export function parseReport(text: string, path: string): RunReport | CompareReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new ReportError('REPORT.BAD_JSON', `${path} is not valid JSON: ${(cause as Error).message}`, { path, cause });
  }
  if (!isRecord(value)) throw invalid(path, 'the top level is not an object');
  const schema = value['schema'];
  if (schema === RUN_SCHEMA) return checkRun(value, path);
  if (schema === COMPARE_SCHEMA) return checkCompare(value, path);
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

const NUMBERS = [
  'config.users', 'config.seed', 'config.insufficient', 'config.durationMs', 'config.warmupMs', 'config.drainMs', 'config.maxInflight',
  'environment.cpuCount', 'environment.totalMemoryBytes',
  'orders.placed', 'orders.paid', 'orders.rejected', 'orders.pending', 'orders.failed', 'orders.shed', 'orders.dropped',
  'throughput.offered', 'throughput.accepted', 'throughput.completed',
  ...['accept', 'completion'].flatMap((l) => ['count', 'p50', 'p90', 'p99', 'p999', 'max'].map((p) => `latency.${l}.${p}`)),
  'readLoad.total', 'readLoad.perOrder', 'messages.total', 'messages.perOrder', 'messages.bytesPerOrder',
  'cost.cpuMsPerOrder', 'cost.rssPeakBytes',
];
const STRINGS = [
  'config.style', 'config.mode', 'environment.node', 'environment.cpuModel', 'environment.platform', 'environment.topology',
  'environment.storage', 'environment.startedAt', 'histograms.accept', 'histograms.completion',
];
/** the optional ceiling's fields the renderers read */
const CEILING_NUMBERS = ['heldRate', 'ordersPerSecond', 'efficiency', 'modelCpuMsPerOrder', 'helloPerOrder'].map((k) => `ceiling.${k}`);
const RECORDS = ['errors', 'readLoad.byService', 'messages.bySubject', 'cost.byService'];

/** `where` names the run inside a compare.json in messages; `path` stays the file */
function checkRun(value: Record<string, unknown>, path: string, where = path): RunReport {
  const bad = (why: string) => new ReportError('REPORT.INVALID', `${where} is not a valid interplay run: ${why}.`, { path });
  const style = value['style'];
  if (!STYLES.some((s) => s === style)) throw bad(`unknown style ${JSON.stringify(style)}`);
  // Runs saved before the system shed load have no count of shed orders: none were.
  const orders = value['orders'];
  if (isRecord(orders) && orders['shed'] === undefined) orders['shed'] = 0;
  for (const p of NUMBERS) if (typeof at(value, p) !== 'number') throw bad(`${p} is not a number`);
  for (const p of STRINGS) if (typeof at(value, p) !== 'string') throw bad(`${p} is not a string`);
  for (const p of RECORDS) if (!isRecord(at(value, p))) throw bad(`${p} is not an object`);
  if (!Array.isArray(at(value, 'config.argv'))) throw bad('config.argv is not a list');
  const nats = at(value, 'environment.natsServer');
  if (nats !== null && typeof nats !== 'string') throw bad('environment.natsServer is neither a string nor null');
  const timeline = value['timeline'];
  if (timeline !== undefined && !(Array.isArray(timeline) && timeline.every(isSecond))) throw bad('timeline is not a list of seconds');
  if (value['ceiling'] !== undefined) {
    for (const p of CEILING_NUMBERS) if (typeof at(value, p) !== 'number') throw bad(`${p} is not a number`);
  }
  return value as unknown as RunReport;
}

function checkCompare(value: Record<string, unknown>, path: string): CompareReport {
  if (typeof value['createdAt'] !== 'string') throw invalid(path, 'createdAt is not a string');
  const runs = value['runs'];
  if (!Array.isArray(runs)) throw invalid(path, 'runs is not a list');
  runs.forEach((run: unknown, i) => {
    if (!isRecord(run) || run['schema'] !== RUN_SCHEMA) {
      throw new ReportError('REPORT.UNKNOWN_SCHEMA', `${path}: runs[${i}] is not an ${RUN_SCHEMA} report.`, { path });
    }
    checkRun(run, path, `${path} runs[${i}]`);
  });
  if (!isRecord(value['ratios'])) throw invalid(path, 'ratios is not an object');
  return value as unknown as CompareReport;
}

const isSecond = (v: unknown): boolean =>
  isRecord(v) &&
  ['t', 'offered', 'accepted', 'completed'].every((k) => typeof v[k] === 'number') &&
  ['acceptP50', 'acceptP99'].every((k) => v[k] === null || typeof v[k] === 'number');

const invalid = (path: string, why: string): ReportError =>
  new ReportError('REPORT.INVALID', `${path} is not a valid interplay report: ${why}.`, { path });

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function at(value: unknown, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((v, key) => (isRecord(v) ? v[key] : undefined), value);
}
