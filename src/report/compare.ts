import { STYLES } from '../model/style.ts';
import { ReportError } from './errors.ts';
import { METRIC_NAMES, METRICS } from './metrics.ts';
import type { MetricName } from './metrics.ts';
import type { CompareReport, Ratios, RunReport, StyleRepeats } from '../model/schema.ts';

/**
 * Puts runs side by side in style order, with each style's ratios against the `rest` run
 * (`rest` itself included, as ×1). No `rest` run, no ratios.
 */
export function compareRuns(runs: readonly RunReport[], createdAt: string): CompareReport {
  const seen = new Set<string>();
  for (const run of runs) {
    if (seen.has(run.style)) throw new ReportError('REPORT.DUPLICATE_STYLE', `Two runs of style ${run.style}; compare one run per style.`);
    seen.add(run.style);
  }
  const sorted = [...runs].sort((a, b) => STYLES.indexOf(a.style) - STYLES.indexOf(b.style));
  const rest = sorted.find((r) => r.style === 'rest');
  const ratios = rest ? Object.fromEntries(sorted.map((run) => [run.style, ratiosOf(run, rest)])) : {};
  return { schema: 'interplay/compare@1', createdAt, runs: sorted, ratios };
}

/**
 * Compares runs in which each style may have run several times (`--repeat N`, in any order).
 * Each style's repeats are saved as per-metric samples, so a later gate can see the spread; the
 * run it shows is the one whose completion p99 is the median (the lower one of an even count).
 * With one run per style this is `compareRuns`, and no repeats are saved.
 */
export function compareRepeats(runs: readonly RunReport[], createdAt: string): CompareReport {
  const byStyle = new Map<RunReport['style'], RunReport[]>();
  for (const run of runs) byStyle.set(run.style, [...(byStyle.get(run.style) ?? []), run]);
  if ([...byStyle.values()].every((r) => r.length === 1)) return compareRuns(runs, createdAt);
  const shown = [...byStyle.values()].map((r) => medianRun(r));
  const repeats = Object.fromEntries([...byStyle].map(([style, r]) => [style, repeatsOf(r)]));
  return { ...compareRuns(shown, createdAt), repeats };
}

function medianRun(runs: readonly RunReport[]): RunReport {
  const p99 = METRICS['completion.p99'].of;
  const sorted = [...runs].sort((a, b) => p99(a) - p99(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function repeatsOf(runs: readonly RunReport[]): StyleRepeats {
  const samples: Partial<Record<MetricName, number[]>> = {};
  for (const name of METRIC_NAMES) samples[name] = runs.map((run) => METRICS[name].of(run));
  return { runs: runs.length, samples };
}

function ratiosOf(run: RunReport, rest: RunReport): Ratios {
  return {
    acceptP99: ratio(run.latency.accept.p99, rest.latency.accept.p99),
    completionP50: ratio(run.latency.completion.p50, rest.latency.completion.p50),
    completionP99: ratio(run.latency.completion.p99, rest.latency.completion.p99),
    throughputCompleted: ratio(run.throughput.completed, rest.throughput.completed),
    readLoadPerOrder: ratio(run.readLoad.perOrder, rest.readLoad.perOrder),
    messagesPerOrder: ratio(run.messages.perOrder, rest.messages.perOrder),
    cpuMsPerOrder: ratio(run.cost.cpuMsPerOrder, rest.cost.cpuMsPerOrder),
  };
}

/** value / base; null where the base is 0, so "REST sends no messages" never reads as ×∞ */
function ratio(value: number, base: number): number | null {
  return base === 0 ? null : value / base;
}
