import type { TopLevelSpec } from 'vega-lite';
import { STYLES } from '../model/style.ts';
import type { CurvePoint, PerOrderPart, SeriesPoint } from './chart-data.ts';

/**
 * Vega-Lite specs of the HTML report's charts: pure functions of the rows in chart-data.ts.
 * Text, axes and grid draw in `currentColor`, so the page's light or dark text colour is theirs.
 */

/** one colour per style in every chart; mid-tones that read on white and on near-black */
const STYLE_COLORS = ['#4c8fd6', '#e08a2c', '#3aa57c'];
const SERIES_COLORS = ['#9b8fd9', '#4c8fd6', '#3aa57c', '#e08a2c', '#d65f7a', '#c9a32c'];

/** a log axis cannot show 0: a latency under 1 µs (the histograms' resolution) is drawn at 1 µs */
const LOG_FLOOR_MS = 0.001;

const WIDTH = 520;
const HEIGHT = 240;

const CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  view: { stroke: null },
  axis: {
    labelColor: 'currentColor',
    titleColor: 'currentColor',
    domainColor: 'currentColor',
    tickColor: 'currentColor',
    gridColor: 'currentColor',
    gridOpacity: 0.15,
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 'normal',
  },
  legend: { labelColor: 'currentColor', titleColor: 'currentColor', labelFontSize: 11, orient: 'bottom', labelLimit: 480 },
  title: { color: 'currentColor', fontSize: 14, anchor: 'start', subtitleColor: 'currentColor' },
} as const;

const frame = (title: string, description: string) =>
  ({ $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title, description, background: 'transparent', config: CONFIG }) as const;

/** the styles present, each in its own colour whichever others are missing */
const styleColor = (present: readonly string[]) => {
  const styles = STYLES.filter((s) => present.includes(s));
  return { field: 'style', type: 'nominal', title: 'style', scale: { domain: styles, range: styles.map((s) => STYLE_COLORS[STYLES.indexOf(s)] ?? '#888') } } as const;
};

/** latency (log ms) by percentile on a "nines" axis, one line per style */
export function latencyCurveSpec(title: string, points: readonly CurvePoint[]): TopLevelSpec {
  const deepest = Math.max(1, Math.ceil(Math.max(0, ...points.map((p) => p.nines))));
  return {
    ...frame(title, `${title}: milliseconds at each percentile, per style; further right is rarer.`),
    width: WIDTH,
    height: HEIGHT,
    data: { values: [...points] },
    transform: [{ calculate: `max(datum.ms, ${LOG_FLOOR_MS})`, as: 'plotted' }],
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x: {
        field: 'nines',
        type: 'quantitative',
        title: 'percentile',
        scale: { domain: [0, deepest], nice: false },
        axis: {
          values: Array.from({ length: deepest + 1 }, (_, i) => i),
          labelExpr: "['p0', 'p90', 'p99', 'p99.9', 'p99.99', 'p99.999'][datum.value]",
        },
      },
      y: { field: 'plotted', type: 'quantitative', title: 'ms (log scale)', scale: { type: 'log' } },
      color: styleColor(points.map((p) => p.style)),
    },
  };
}

/** per-order cost as one stacked bar per style (`styles`, in order, also those with none), split by route, subject or process */
export function perOrderSpec(title: string, unit: string, parts: readonly PerOrderPart[], styles: readonly string[]): TopLevelSpec {
  return {
    ...frame(title, `${title}: ${unit}, one bar per style, split into its parts.`),
    width: WIDTH,
    height: { step: 28 },
    data: { values: [...parts] },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'style', type: 'nominal', title: null, scale: { domain: [...styles] } },
      x: { field: 'perOrder', type: 'quantitative', title: unit, stack: 'zero' },
      color: { field: 'part', type: 'nominal', title: null, scale: { range: SERIES_COLORS }, legend: { columns: 1 } },
      order: { field: 'part' },
      tooltip: [{ field: 'style' }, { field: 'part' }, { field: 'perOrder', format: '.3~g' }],
    },
  };
}

/** the measured window, shaded, behind a per-second line chart */
export interface Window {
  /** s since the load started */
  readonly from: number;
  readonly to: number;
}

/** one line per series over seconds since the load started, the measured window shaded */
export function timelineSpec(title: string, yTitle: string, points: readonly SeriesPoint[], window: Window, logY = false): TopLevelSpec {
  const series = [...new Set(points.map((p) => p.series))];
  return {
    ...frame(title, `${title}, per second since the load started; the shaded band is the measured window.`),
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: { values: [{ from: window.from, to: window.to }] },
        mark: { type: 'rect', color: 'currentColor', opacity: 0.08 },
        encoding: { x: { field: 'from', type: 'quantitative' }, x2: { field: 'to' } },
      },
      {
        data: { values: [...points] },
        // Each value is a whole second's, so it is drawn at the middle of that second.
        transform: [
          { calculate: logY ? `max(datum.value, ${LOG_FLOOR_MS})` : 'datum.value', as: 'plotted' },
          { calculate: 'datum.t + 0.5', as: 'middle' },
        ],
        mark: { type: 'line', strokeWidth: 2, point: { size: 16 } },
        encoding: {
          x: { field: 'middle', type: 'quantitative', title: 'seconds since the load started' },
          y: { field: 'plotted', type: 'quantitative', title: yTitle, ...(logY ? { scale: { type: 'log' } } : {}) },
          color: { field: 'series', type: 'nominal', title: null, sort: series, scale: { domain: series, range: SERIES_COLORS } },
        },
      },
    ],
  };
}
