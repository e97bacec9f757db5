import { STYLES } from '../model/style.ts';
import { RATIO_SECTION, ratioRows, runRows, runSections } from './columns.ts';
import type { Row, Section } from './columns.ts';
import { errorList, factsAcross, hasErrors, loadFacts, perStyle } from './format.ts';
import type { CompareReport, RunReport } from '../model/schema.ts';

export interface TableOptions {
  /** bold headers and dim rules with ANSI codes; default false (the CLI decides from the terminal and NO_COLOR) */
  readonly color?: boolean;
  /** columns a line may take; default 80. Column groups that do not fit side by side stack as blocks. */
  readonly width?: number;
}

/** columns when the caller does not say: the width of a terminal nobody resized */
export const TABLE_WIDTH = 80;

/** One style's run as terminal text: a caption with the load, then one row per table. */
export function renderRunTable(run: RunReport, options: TableOptions = {}): string {
  return render([run], [], options);
}

/** The runs as terminal text, one row per style, then the "vs rest" ratios when there is more than one style. */
export function renderCompareTable(compare: CompareReport, options: TableOptions = {}): string {
  const paint = painter(options.color ?? false);
  const width = options.width ?? TABLE_WIDTH;
  const extra =
    compare.runs.length < 2
      ? []
      : Object.keys(compare.ratios).length > 0
        ? section(RATIO_SECTION, ratioRows(compare.ratios, STYLES), paint, width, labelWidth(compare.runs))
        : [[' no rest run, so no ratios']];
  return render(compare.runs, extra, options);
}

/** A saved report as the table bench or compare printed for it. */
export function renderTable(report: RunReport | CompareReport, options: TableOptions = {}): string {
  return report.schema === 'interplay/run@1' ? renderRunTable(report, options) : renderCompareTable(report, options);
}

function render(runs: readonly RunReport[], extra: readonly string[][], options: TableOptions): string {
  const paint = painter(options.color ?? false);
  const width = options.width ?? TABLE_WIDTH;
  const blocks: string[][] = [caption(runs, width), ...runSections(runs).flatMap((s) => section(s, runRows(runs), paint, width, labelWidth(runs))), ...extra];
  const errors = runs.filter(hasErrors).flatMap((r) => pack(`  ${paint.bold(r.style)}: `, errorList(r.errors).split(', '), ', ', width));
  if (errors.length > 0) blocks.push([` ${paint.bold('errors')}`, ...errors]);
  return `${blocks.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

function caption(runs: readonly RunReport[], width: number): string[] {
  const facts = factsAcross(runs, (r) => loadFacts(r.config));
  const parts = [...facts.common, ...facts.differing.map((d) => `${d.key}: ${perStyle(d.values)}`)];
  return [` interplay: ${runs.map((r) => r.style).join(' vs ')}`, ...pack(' ', parts, ' · ', width)];
}

/**
 * Puts parts on lines of at most `width` columns, `sep` between them on a line. The first line
 * starts with `head`, the others are indented by its visible width. A part wider than a line gets one to itself.
 */
function pack(head: string, parts: readonly string[], sep: string, width: number): string[] {
  const indent = ' '.repeat(visible(head).length);
  const lines: string[] = [];
  for (const part of parts) {
    const last = lines.at(-1);
    if (last !== undefined && visible(last).length + sep.length + part.length <= width) lines[lines.length - 1] = `${last}${sep}${part}`;
    else lines.push(`${lines.length === 0 ? head : indent}${part}`);
  }
  return lines;
}

interface Paint {
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
}

const painter = (color: boolean): Paint =>
  color
    ? { bold: (s) => `\x1b[1m${s}\x1b[22m`, dim: (s) => `\x1b[2m${s}\x1b[22m` }
    : { bold: (s) => s, dim: (s) => s };

/** the text as the terminal shows it, without ANSI codes */
export const visible = (s: string): string => s.replace(/\x1b\[\d+m/g, '');

/** Every block's first column is as wide as the widest tag or style of the blocks shown, so they line up. */
const labelWidth = (runs: readonly RunReport[]): number =>
  Math.max('style'.length, RATIO_SECTION.tag.length, ...runSections(runs).map((x) => x.tag.length), ...runs.map((r) => r.style.length));

/**
 * A section as blocks, each with a title row of column groups, a header row and one row per style:
 *
 *  tag   │ group title          │ group title
 *  style │ col  col  col        │ col  col
 * ───────┼──────────────────────┼────────────
 *  rest  │   1    2    3        │   4    5
 *
 * Groups go side by side while the line fits in `width`; the next group starts a new block below
 * (a group wider than `width` on its own still gets a block: columns are never split from their group).
 */
function section<T>(s: Section<T>, rows: readonly Row<T>[], paint: Paint, width: number, labelWidth: number): string[][] {
  const groups = s.groups.map((g) => {
    const cells = rows.map((r) => g.columns.map((c) => c.cell(r.value)));
    const widths = g.columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => (row[i] ?? '').length)));
    const inner = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
    // A title wider than its columns widens the last one, so the columns stay right-aligned under it.
    if (g.title.length > inner) widths[widths.length - 1] = (widths.at(-1) ?? 0) + g.title.length - inner;
    return { title: g.title, headers: g.columns.map((c) => c.header), cells, widths, width: Math.max(inner, g.title.length) };
  });
  const stacks: (typeof groups)[] = [];
  // " label", then " │ group" per group, and the rule below runs one column past the last group
  let used = Infinity;
  for (const g of groups) {
    const extent = 3 + g.width;
    if (used + extent > width) {
      stacks.push([]);
      used = 2 + labelWidth;
    }
    stacks.at(-1)?.push(g);
    used += extent;
  }

  const bar = paint.dim(' │ ');
  const line = (label: string, segments: readonly string[]) => ` ${label}${bar}${segments.join(bar)}`;
  const cellsOf = (values: readonly string[], widths: readonly number[]) => values.map((v, i) => v.padStart(widths[i] ?? 0)).join('  ');
  return stacks.map((stack) => [
    line(paint.bold(s.tag.padEnd(labelWidth)), stack.map((g, i) => paint.bold(i === stack.length - 1 ? g.title : g.title.padEnd(g.width)))),
    line('style'.padEnd(labelWidth), stack.map((g) => cellsOf(g.headers, g.widths))),
    paint.dim(`${'─'.repeat(labelWidth + 2)}${stack.map((g) => `┼${'─'.repeat(g.width + 2)}`).join('')}`),
    ...rows.map((r, n) => line(paint.bold(r.label.padEnd(labelWidth)), stack.map((g) => cellsOf(g.cells[n] ?? [], g.widths)))),
  ]);
}

