import type { Result } from '../model/result.ts';
import { isMetricName, METRIC_NAMES, METRICS } from './metrics.ts';
import type { MetricKind, MetricName } from './metrics.ts';

export type Comparison = '<' | '<=' | '>' | '>=' | '=';
export type ThresholdUnit = 'ms' | 's' | '/s' | '%' | '';

/**
 * One check of `--fail-on`. A relative threshold compares with a baseline: its sign says which
 * direction is worse (+25%: growing by more than 25 %; -15%: dropping by more than 15 %). An
 * absolute one is a condition that must hold, as in k6 (`completion.p99<100ms`, `failed=0`).
 */
export type Threshold =
  | {
      readonly type: 'relative';
      readonly text: string;
      readonly metric: MetricName;
      /** which way is worse: the sign as written */
      readonly worse: 'up' | 'down';
      /** how far, in percent of the baseline; never negative */
      readonly percent: number;
    }
  | {
      readonly type: 'absolute';
      readonly text: string;
      readonly metric: MetricName;
      readonly comparison: Comparison;
      /** in the metric's own unit (ms, per second, orders, bytes), or a percentage with unit '%' */
      readonly limit: number;
      /** '%': the metric as a share of the orders scheduled, in percent */
      readonly unit: ThresholdUnit;
    };

/** the units each kind of metric accepts; a bare number is in the metric's own unit */
const UNITS: Record<MetricKind, readonly ThresholdUnit[]> = {
  latency: ['ms', 's', ''],
  rate: ['/s', ''],
  count: ['%', ''],
  perOrder: [''],
  bytes: [''],
};

const UNIT_HINT: Record<MetricKind, string> = {
  latency: 'a latency takes ms, s or a bare number of ms',
  rate: 'a rate takes /s or a bare number',
  count: 'a count takes a bare number or % of the orders scheduled',
  perOrder: 'a per-order figure takes a bare number',
  bytes: 'a size takes a bare number of bytes',
};

const COMPARISON = /^(<=|>=|<|>|=)/;
const NUMBER_WITH_UNIT = /^(\d+(?:\.\d+)?|\.\d+)(ms|s|\/s|%)?$/;
const SIGNED_PERCENT = /^([+-])(\d+(?:\.\d+)?|\.\d+)%$/;

/**
 * Parses `--fail-on`: comma-separated thresholds such as `completion.p99:+25%`,
 * `throughput.completed:-15%`, `completion.p99<100ms` and `failed=0`.
 * @returns the thresholds, or one sentence naming the first bad part as it was written
 */
export function parseThresholds(text: string): Result<Threshold[], string> {
  const thresholds: Threshold[] = [];
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (part === '') return { ok: false, error: `"${text}" has an empty threshold; separate thresholds with single commas` };
    const parsed = parsePart(part);
    if (!parsed.ok) return { ok: false, error: `"${part}" ${parsed.error}` };
    thresholds.push(parsed.value);
  }
  return { ok: true, value: thresholds };
}

function parsePart(part: string): Result<Threshold, string> {
  const name = /^[A-Za-z][\w.]*/.exec(part)?.[0] ?? '';
  if (name === '') return fail('does not start with a metric name');
  if (!isMetricName(name)) return fail(`names no metric "${name}"; known metrics: ${METRIC_NAMES.join(', ')}`);
  const rest = part.slice(name.length).trim();
  if (rest.startsWith(':')) return relative(part, name, rest.slice(1).trim());
  const comparison = COMPARISON.exec(rest)?.[0] as Comparison | undefined;
  if (comparison === undefined) return fail('needs ":" and a signed percentage (completion.p99:+25%) or a comparison <, <=, >, >= or = (failed=0)');
  return absolute(part, name, comparison, rest.slice(comparison.length).trim());
}

function relative(text: string, metric: MetricName, change: string): Result<Threshold, string> {
  const match = SIGNED_PERCENT.exec(change);
  if (!match) {
    return /^\d/.test(change)
      ? fail(`has no sign: write +${change} when growing is worse, -${change} when dropping is`)
      : fail(`has "${change}" where a signed percentage such as +25% or -15% belongs`);
  }
  const magnitude = Number(match[2]);
  if (match[1] === '-' && magnitude >= 100) return fail('can never be crossed: nothing drops by 100 % or more without going below zero');
  return { ok: true, value: { type: 'relative', text, metric, worse: match[1] === '-' ? 'down' : 'up', percent: magnitude } };
}

function absolute(text: string, metric: MetricName, comparison: Comparison, limitText: string): Result<Threshold, string> {
  const match = NUMBER_WITH_UNIT.exec(limitText);
  if (!match) return fail(`has "${limitText}" where a number with an optional unit (ms, s, /s, %) belongs`);
  const unit = (match[2] ?? '') as ThresholdUnit;
  const kind = METRICS[metric].kind;
  if (!UNITS[kind].includes(unit)) return fail(`gives ${metric} in "${unit}"; ${UNIT_HINT[kind]}`);
  const number = Number(match[1]);
  return { ok: true, value: { type: 'absolute', text, metric, comparison, limit: unit === 's' ? number * 1000 : number, unit } };
}

const fail = (error: string): Result<never, string> => ({ ok: false, error });
