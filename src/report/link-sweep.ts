import type { TopLevelSpec } from 'vega-lite';
import { STYLES } from '../model/style.ts';
import { sig3, rate } from './format.ts';
import { htmlPage } from './html-page.ts';
import type { RunReport } from '../model/schema.ts';
import { escapeXml as esc, renderSvg } from './svg.ts';

/** One style's run at one link latency. */
export interface SweepRow {
  /** one-way latency of every link, ms */
  readonly latencyMs: number;
  readonly style: string;
  readonly offered: number;
  readonly completed: number;
  readonly acceptP50: number;
  readonly acceptP99: number;
  readonly completionP50: number;
  readonly completionP99: number;
}

/** `interplay/link-sweep@1`: what `compare --link-latency A,B,…` saves as sweep.json. */
export interface SweepReport {
  readonly schema: 'interplay/link-sweep@1';
  readonly createdAt: string;
  /** how the links were besides the latency (jitter, bandwidth, stalls, pairs) */
  readonly links: string;
  readonly rows: readonly SweepRow[];
}

export function sweepRow(latencyMs: number, run: RunReport): SweepRow {
  return {
    latencyMs,
    style: run.config.style,
    offered: run.throughput.offered,
    completed: run.throughput.completed,
    acceptP50: run.latency.accept.p50,
    acceptP99: run.latency.accept.p99,
    completionP50: run.latency.completion.p50,
    completionP99: run.latency.completion.p99,
  };
}

const HEADER = ['latency', 'style', 'offered/s', 'completed/s', 'accept p50', 'accept p99', 'completion p50', 'completion p99'];
const cells = (r: SweepRow): string[] => [
  `${r.latencyMs} ms`,
  r.style,
  rate(r.offered),
  rate(r.completed),
  sig3(r.acceptP50),
  sig3(r.acceptP99),
  sig3(r.completionP50),
  sig3(r.completionP99),
];

/** The sweep as a plain table: one row per latency and style, latencies in ms. */
export function renderSweepTable(report: SweepReport): string {
  const rows = [HEADER, ...report.rows.map(cells)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [`links: ${report.links}; latencies in ms`, line(rows[0]!), ...rows.slice(1).map(line)].join('\n');
}

export function renderSweepMarkdown(report: SweepReport): string {
  return [
    `Links: ${report.links}; latencies in ms.`,
    '',
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`,
    ...report.rows.map((r) => `| ${cells(r).join(' | ')} |`),
    '',
  ].join('\n');
}

/** completion p50 and p99 (log ms) against the links' latency, one colour per style, dashed for p99 */
export function sweepSpec(report: SweepReport): TopLevelSpec {
  const values = report.rows.flatMap((r) => [
    { latency: r.latencyMs, style: r.style, percentile: 'p50', ms: Math.max(r.completionP50, 0.001) },
    { latency: r.latencyMs, style: r.style, percentile: 'p99', ms: Math.max(r.completionP99, 0.001) },
  ]);
  const styles = STYLES.filter((s) => report.rows.some((r) => r.style === s));
  const title = 'Completion latency against link latency';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    description: `${title}: p50 and p99 per style; one-way latency of every link on the x axis.`,
    background: 'transparent',
    width: 520,
    height: 260,
    data: { values },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      x: { field: 'latency', type: 'quantitative', title: 'link latency, one way (ms)' },
      y: { field: 'ms', type: 'quantitative', title: 'completion (ms, log scale)', scale: { type: 'log' } },
      color: { field: 'style', type: 'nominal', title: 'style', scale: { domain: styles, range: ['#4c8fd6', '#e08a2c', '#3aa57c'].slice(0, styles.length) } },
      strokeDash: { field: 'percentile', type: 'nominal', title: 'percentile' },
    },
    config: {
      axis: { labelColor: 'currentColor', titleColor: 'currentColor', domainColor: 'currentColor', tickColor: 'currentColor', gridColor: 'currentColor', gridOpacity: 0.15 },
      legend: { labelColor: 'currentColor', titleColor: 'currentColor', orient: 'bottom' },
      title: { color: 'currentColor', anchor: 'start' },
      view: { stroke: null },
    },
  };
}

/** One offline page: the chart and the table beside it. */
export async function renderSweepHtml(report: SweepReport): Promise<string> {
  const spec = sweepSpec(report);
  const svg = await renderSvg(spec, 'Completion latency against link latency');
  const table = `<table><thead><tr>${HEADER.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${report.rows
    .map((r) => `<tr>${cells(r).map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
  return htmlPage('interplay: link latency sweep', `links: ${report.links} · ${report.createdAt}`, [{ title: 'Completion against link latency', html: `${svg}\n${table}` }]);
}
