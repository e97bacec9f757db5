import type { TopLevelSpec } from 'vega-lite';
import type { ModelResult } from '../simulate/model-io.ts';
import { STYLES } from '../model/style.ts';
import { rate, sig3 } from './format.ts';
import { htmlPage } from './html-page.ts';
import { escapeXml as esc, renderSvg } from './svg.ts';

const ms = (v: number): string => (Number.isFinite(v) ? sig3(v) : '∞');
const pct = (v: number | undefined): string => (v === undefined ? '–' : `${Math.round(v * 100)}%`);

/** One style's simulated run as lines of text: throughput, latencies, each station's servers and utilisation. */
export function renderModelResult(r: ModelResult, extra: readonly string[] = []): string {
  const stations = Object.keys(r.servers);
  const width = Math.max(...stations.map((s) => s.length), 7);
  const lines = [
    `${r.style}: ${rate(r.rate)}/s offered (Poisson), ${r.orders.toLocaleString('en')} orders measured`,
    `  throughput /s  offered ${rate(r.throughput.offered)}  accepted ${rate(r.throughput.accepted)}  completed ${rate(r.throughput.completed)}${r.failed ? `  failed ${r.failed}` : ''}${r.pending ? `  pending ${r.pending}` : ''}`,
    `  accept ms      p50 ${ms(r.accept.p50)}  p99 ${ms(r.accept.p99)}`,
    `  completion ms  p50 ${ms(r.completion.p50)}  p99 ${ms(r.completion.p99)}`,
    `  read load      ${rate(r.readLoad)} service-to-service calls/s`,
    `  ${'station'.padEnd(width)}  servers  busy`,
    ...stations.map((s) => `  ${s.padEnd(width)}  ${String(r.servers[s]).padStart(7)}  ${pct(r.utilisation[s]).padStart(4)}`),
  ];
  if (r.outage) {
    lines.push(
      `  outage of ${r.outage.station}: backlog peaked at ${r.outage.peakBacklog} orders; ${r.outage.recoveryMs === null ? 'not recovered within the run' : `recovered ${ms(r.outage.recoveryMs)} ms after it came back`}`,
    );
  }
  return [...lines, ...extra.map((e) => `  ${e}`)].join('\n');
}

/** One row of the replicas-against-rate answer. */
export interface SizingRow {
  readonly style: string;
  readonly rate: number;
  readonly replicas: Readonly<Record<string, number>>;
  readonly cores: number;
  readonly p99: number;
  readonly readLoad: number;
  readonly held: boolean;
}

const SIZING_HEADER = ['style', 'rate /s', 'replicas', 'cores', 'p99 ms', 'read load /s', 'SLO'];
const sizingCells = (r: SizingRow): string[] => [
  r.style,
  rate(r.rate),
  r.held
    ? Object.entries(r.replicas)
        .map(([s, n]) => `${s} ${n}`)
        .join(', ')
    : 'none holds',
  r.held ? String(r.cores) : '–',
  ms(r.p99),
  rate(r.readLoad),
  r.held ? 'held' : 'not held',
];

export function renderSizingTable(rows: readonly SizingRow[]): string {
  const all = [SIZING_HEADER, ...rows.map(sizingCells)];
  const widths = SIZING_HEADER.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r) => r.map((c, i) => (i === 0 || i === 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

export function renderSizingMarkdown(rows: readonly SizingRow[]): string {
  return [`| ${SIZING_HEADER.join(' | ')} |`, `|---|---:|---|---:|---:|---:|---|`, ...rows.map((r) => `| ${sizingCells(r).join(' | ')} |`), ''].join('\n');
}

/** total cores and p99 against the rate, one colour per style */
function sizingSpec(rows: readonly SizingRow[], title: string, field: 'cores' | 'p99'): TopLevelSpec {
  const styles = STYLES.filter((s) => rows.some((r) => r.style === s));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    description: `${title}, per style, as the model predicts it`,
    background: 'transparent',
    width: 480,
    height: 220,
    data: { values: rows.map((r) => ({ style: r.style, rate: r.rate, value: r[field] })) },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      x: { field: 'rate', type: 'quantitative', title: 'orders per second', scale: { type: 'log' } },
      y: { field: 'value', type: 'quantitative', title: field === 'cores' ? 'cores (replicas × cores, all stations)' : 'completion p99 (ms)' },
      color: { field: 'style', type: 'nominal', title: 'style', scale: { domain: styles, range: ['#4c8fd6', '#e08a2c', '#3aa57c'].slice(0, styles.length) } },
    },
    config: {
      axis: { labelColor: 'currentColor', titleColor: 'currentColor', domainColor: 'currentColor', tickColor: 'currentColor', gridColor: 'currentColor', gridOpacity: 0.15 },
      legend: { labelColor: 'currentColor', titleColor: 'currentColor', orient: 'bottom' },
      title: { color: 'currentColor', anchor: 'start' },
      view: { stroke: null },
    },
  };
}

/** One offline page: cores and p99 against rate, and the table. */
export async function renderSizingHtml(rows: readonly SizingRow[], subtitle: string): Promise<string> {
  const cores = await renderSvg(sizingSpec(rows, 'Cores needed against rate', 'cores'), 'Cores needed against rate');
  const p99 = await renderSvg(sizingSpec(rows, 'Completion p99 at that size', 'p99'), 'Completion p99 at that size');
  const table = `<table><thead><tr>${SIZING_HEADER.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${sizingCells(r).map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
  return htmlPage('interplay simulate: replicas against rate', subtitle, [{ title: 'Replicas and p99 against rate', html: `${cores}\n${p99}\n${table}` }]);
}
