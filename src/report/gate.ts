import type { Style } from '../model/style.ts';
import { NONE, sig3 } from './format.ts';
import { escapeMarkdown } from './markdown.ts';
import { formatMetric, METRICS } from './metrics.ts';
import type { MetricName } from './metrics.ts';
import type { CompareReport } from '../model/schema.ts';
import type { Comparison, Threshold } from './thresholds.ts';

/** pass; beyond the threshold but no worse than the baseline's worst repeat (noise); or failed */
export type CheckVerdict = 'pass' | 'within spread' | 'fail';

export interface GateCheck {
  readonly style: Style;
  readonly threshold: Threshold;
  /** the metric's median over now's repeats (its share in percent for a `%` threshold) */
  readonly now: number;
  /** relative thresholds: the median over the baseline's repeats; null for absolute ones or when there is none */
  readonly baseline: number | null;
  /** relative thresholds: the baseline's worst repeat in the threshold's direction (its highest for +, lowest for -) */
  readonly worstBaseline: number | null;
  /** the value `now` must not cross: baseline × (1 ± percent/100), or the absolute limit */
  readonly limit: number | null;
  readonly verdict: CheckVerdict;
  /** why a check failed without comparing anything */
  readonly note?: string;
}

export interface GateResult {
  readonly ok: boolean;
  readonly checks: readonly GateCheck[];
}

/**
 * Checks every style of `now` against every threshold. An absolute threshold must hold for now's
 * median. A relative one fails only when now's median is beyond the threshold from the baseline's
 * median AND worse than the baseline's worst repeat, so a change inside the baseline's own noise
 * passes. A relative threshold with no baseline run to compare with fails: never a silent pass.
 */
export function evaluateGate(now: CompareReport, baseline: CompareReport | undefined, thresholds: readonly Threshold[]): GateResult {
  const checks = now.runs.flatMap((run) => thresholds.map((t) => check(run.style, t, now, baseline)));
  // No run to check (a ramp that held no rate) is no pass.
  return { ok: checks.length > 0 && checks.every((c) => c.verdict !== 'fail'), checks };
}

function check(style: Style, threshold: Threshold, now: CompareReport, baseline: CompareReport | undefined): GateCheck {
  const percentOf = threshold.type === 'absolute' && threshold.unit === '%';
  const value = median(samplesOf(now, style, threshold.metric, percentOf));
  if (threshold.type === 'absolute') {
    const verdict = holds(value, threshold.comparison, threshold.limit) ? 'pass' : 'fail';
    return { style, threshold, now: value, baseline: null, worstBaseline: null, limit: threshold.limit, verdict };
  }
  const before = baseline ? samplesOf(baseline, style, threshold.metric, false) : [];
  if (before.length === 0) {
    return { style, threshold, now: value, baseline: null, worstBaseline: null, limit: null, verdict: 'fail', note: `no baseline run of ${style}` };
  }
  const base = median(before);
  const up = threshold.worse === 'up';
  const limit = base * (1 + ((up ? 1 : -1) * threshold.percent) / 100);
  const worse = (a: number, b: number): boolean => (up ? a > b : a < b);
  const worst = up ? Math.max(...before) : Math.min(...before);
  const verdict = !worse(value, limit) ? 'pass' : worse(value, worst) ? 'fail' : 'within spread';
  return { style, threshold, now: value, baseline: base, worstBaseline: worst, limit, verdict };
}

/** one value per run of the style: the saved repeats, else the run shown; in percent of the orders scheduled when asked */
function samplesOf(report: CompareReport, style: Style, metric: MetricName, percentOf: boolean): number[] {
  const run = report.runs.find((r) => r.style === style);
  const saved = report.repeats?.[style]?.samples;
  const values = saved?.[metric] ?? (run ? [METRICS[metric].of(run)] : []);
  if (!percentOf) return [...values];
  const scheduled = saved?.scheduled ?? (run ? [METRICS.scheduled.of(run)] : []);
  return values.map((v, i) => {
    const of = scheduled[i] ?? 0;
    return of === 0 ? 0 : (100 * v) / of;
  });
}

function holds(value: number, comparison: Comparison, limit: number): boolean {
  switch (comparison) {
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    case '=':
      return value === limit;
  }
}

/** the middle value; the mean of the two middle ones for an even count */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2 === 1 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The gate as a terminal table or a GitHub-flavoured Markdown block (for $GITHUB_STEP_SUMMARY). */
export function renderGate(result: GateResult, format: 'text' | 'markdown' = 'text'): string {
  const rows = result.checks.map(cells);
  const title = `performance gate: ${result.ok ? 'passed' : 'failed'} (${count(result, 'fail')} failed, ${count(result, 'within spread')} within the baseline's spread, ${count(result, 'pass')} passed)`;
  if (format === 'markdown') {
    return [
      `## interplay ${title}`,
      '',
      `| ${HEADERS.join(' | ')} |`,
      '|---|---|--:|--:|---|---|',
      ...rows.map((r) => `| ${r.map(escapeMarkdown).join(' | ')} |`),
      '',
    ].join('\n');
  }
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: readonly string[]): string => ` ${r.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd();
  return [` ${title}`, '', line(HEADERS), ...rows.map(line), ''].join('\n');
}

/**
 * "rest completion.p99: 4.10 ms → 41.0 ms (threshold +25%, limit 5.13 ms; worst baseline repeat 4.20 ms)":
 * the failed checks on one line, for the last line on stderr
 */
export function gateFailures(result: GateResult): string {
  return result.checks
    .filter((c) => c.verdict === 'fail')
    .map((c) => {
      const p = parts(c);
      if (c.note) return `${c.style} ${c.threshold.metric}: ${c.note}`;
      if (p.base === undefined) return `${c.style} ${c.threshold.metric}: ${p.now} (threshold ${p.threshold})`;
      return `${c.style} ${c.threshold.metric}: ${p.base} → ${p.now} (threshold ${p.threshold}, limit ${p.limit ?? NONE}${p.worst ? `; worst baseline repeat ${p.worst}` : ''})`;
    })
    .join('; ');
}

const HEADERS = ['style', 'metric', 'baseline', 'now', 'threshold', 'verdict'] as const;

const VERDICTS: Record<CheckVerdict, string> = { pass: 'pass', 'within spread': 'pass (within the baseline spread)', fail: 'FAIL' };

interface Parts {
  readonly base?: string;
  /** the worst baseline repeat, when it differs from the baseline's median */
  readonly worst?: string;
  readonly now: string;
  /** as written after the metric: "+25%", "<100ms" */
  readonly threshold: string;
  readonly limit?: string;
}

function parts(c: GateCheck): Parts {
  const t = c.threshold;
  const show = (v: number): string => (t.type === 'absolute' && t.unit === '%' ? `${sig3(v)}%` : formatMetric(t.metric, v));
  return {
    ...(c.baseline === null ? {} : { base: show(c.baseline) }),
    ...(c.worstBaseline === null || c.worstBaseline === c.baseline ? {} : { worst: show(c.worstBaseline) }),
    now: show(c.now),
    threshold: t.type === 'relative' ? `${t.worse === 'up' ? '+' : '-'}${t.percent}%` : t.text.slice(t.metric.length).trim(),
    ...(t.type === 'relative' && c.limit !== null ? { limit: show(c.limit) } : {}),
  };
}

function cells(c: GateCheck): string[] {
  const p = parts(c);
  const base = p.base === undefined ? NONE : `${p.base}${p.worst ? `, worst ${p.worst}` : ''}`;
  return [c.style, c.threshold.metric, base, p.now, `${p.threshold}${p.limit ? ` (limit ${p.limit})` : ''}`, VERDICTS[c.verdict]];
}

const count = (result: GateResult, verdict: CheckVerdict): number => result.checks.filter((c) => c.verdict === verdict).length;
