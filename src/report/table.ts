import { STYLES } from '../transports/wiring.ts';
import { RATIO_SECTION, RUN_SECTIONS, ratioRows, runRows } from './columns.ts';
import type { Row, Section } from './columns.ts';
import { errorList, factsAcross, hasErrors, loadFacts, perStyle } from './format.ts';
import type { CompareReport, RunReport } from './schema.ts';

export interface TableOptions {
  /** bold headers and dim rules with ANSI codes; default false (the CLI passes `process.stdout.isTTY`) */
  readonly color?: boolean;
  /** columns the caption wraps at; default 110 (the tables themselves stay under 105) */
  readonly width?: number;
}

/** One style's run as terminal text: a caption with the load, then one row per table. */
export function renderRunTable(run: RunReport, options: TableOptions = {}): string {
  return render([run], [], options);
}

/** The runs as terminal text, one row per style, then the "vs rest" ratios. */
export function renderCompareTable(compare: CompareReport, options: TableOptions = {}): string {
  const extra = Object.keys(compare.ratios).length > 0
    ? section(RATIO_SECTION, ratioRows(compare.ratios, STYLES), painter(options.color ?? false))
    : compare.runs.length > 1 ? [' no rest run, so no ratios'] : [];
  return render(compare.runs, extra, options);
}

function render(runs: readonly RunReport[], extra: readonly string[], options: TableOptions): string {
  const paint = painter(options.color ?? false);
  const blocks: string[][] = [caption(runs, options.width ?? 110), ...RUN_SECTIONS.map((s) => section(s, runRows(runs), paint))];
  if (extra.length > 0) blocks.push([...extra]);
  const errors = runs.filter(hasErrors).map((r) => ` ${paint.bold(r.style)}: ${errorList(r.errors)}`);
  if (errors.length > 0) blocks.push([` ${paint.bold('errors')}`, ...errors.map((e) => ` ${e}`)]);
  return `${blocks.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

function caption(runs: readonly RunReport[], width: number): string[] {
  const facts = factsAcross(runs, (r) => loadFacts(r.config));
  const parts = [...facts.common, ...facts.differing.map((d) => `${d.key}: ${perStyle(d.values)}`)];
  const lines: string[] = [];
  for (const part of parts) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 3 + part.length <= width) lines[lines.length - 1] = `${last} · ${part}`;
    else lines.push(` ${part}`);
  }
  return [` interplay: ${runs.map((r) => r.style).join(' vs ')}`, ...lines];
}

interface Paint {
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
}

const painter = (color: boolean): Paint =>
  color
    ? { bold: (s) => `\x1b[1m${s}\x1b[22m`, dim: (s) => `\x1b[2m${s}\x1b[22m` }
    : { bold: (s) => s, dim: (s) => s };

/**
 * A block with a title row of column groups, a header row and one row per style:
 *
 *  tag   │ group title          │ group title
 *  style │ col  col  col        │ col  col
 * ───────┼──────────────────────┼────────────
 *  rest  │   1    2    3        │   4    5
 */
const LABEL_WIDTH = Math.max('style'.length, RATIO_SECTION.tag.length, ...RUN_SECTIONS.map((x) => x.tag.length));

function section<T>(s: Section<T>, rows: readonly Row<T>[], paint: Paint): string[] {
  // Every block's first column is as wide as the widest tag any block has, so the blocks line up.
  const labelWidth = Math.max(LABEL_WIDTH, ...rows.map((r) => r.label.length));
  const groups = s.groups.map((g) => {
    const cells = rows.map((r) => g.columns.map((c) => c.cell(r.value)));
    const widths = g.columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => (row[i] ?? '').length)));
    const inner = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
    // A title wider than its columns widens the last one, so the columns stay right-aligned under it.
    if (g.title.length > inner) widths[widths.length - 1] = (widths.at(-1) ?? 0) + g.title.length - inner;
    return { title: g.title, headers: g.columns.map((c) => c.header), cells, widths, width: Math.max(inner, g.title.length) };
  });
  const bar = paint.dim(' │ ');
  const line = (label: string, segments: readonly string[]) => ` ${label}${bar}${segments.join(bar)}`;
  const cellsOf = (values: readonly string[], widths: readonly number[]) => values.map((v, i) => v.padStart(widths[i] ?? 0)).join('  ');

  const titles = groups.map((g, i) => (i === groups.length - 1 ? g.title : g.title.padEnd(g.width)));
  return [
    line(paint.bold(s.tag.padEnd(labelWidth)), titles.map(paint.bold)),
    line('style'.padEnd(labelWidth), groups.map((g) => cellsOf(g.headers, g.widths))),
    paint.dim(`${'─'.repeat(labelWidth + 2)}${groups.map((g) => `┼${'─'.repeat(g.width + 2)}`).join('')}`),
    ...rows.map((r, n) => line(paint.bold(r.label.padEnd(labelWidth)), groups.map((g) => cellsOf(g.cells[n] ?? [], g.widths)))),
  ];
}
