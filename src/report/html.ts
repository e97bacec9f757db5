import { STYLES } from '../model/style.ts';
import { CEILING_SECTION, RATIO_SECTION, RUN_SECTIONS, ratioRows, runRows } from './columns.ts';
import type { Row, Section } from './columns.ts';
import { count, environmentFacts, factsAcross, hasErrors, loadFacts, perStyle } from './format.ts';
import type { Fact } from './format.ts';
import { figureGroups } from './figures.ts';
import type { Figure, SummaryTable } from './figures.ts';
import { htmlPage, slug, type PageSection } from './html-page.ts';
import type { CompareReport, RunReport } from '../model/schema.ts';
import { escapeXml as esc, renderSvg } from './svg.ts';

/**
 * The terminal's blocks without "CPU by process": the page's CPU chart and its table show that per
 * process, and with a process per service a block of its own would be wider than the screen.
 * The machine's ceiling is there when a run has one.
 */
const summarySections = (runs: readonly RunReport[]): Section<RunReport>[] => [
  ...RUN_SECTIONS,
  ...(runs.some((r) => r.ceiling !== undefined) ? [CEILING_SECTION] : []),
];

/**
 * One self-contained HTML page for a saved comparison or run: inline CSS and SVG charts drawn
 * here, no script and nothing fetched, so it opens offline and can be sent as one file.
 */
export async function renderHtml(report: CompareReport | RunReport): Promise<string> {
  const runs = report.schema === 'interplay/compare@1' ? report.runs : [report];
  const createdAt = report.schema === 'interplay/compare@1' ? report.createdAt : report.environment.startedAt;
  const title = `interplay: ${runs.map((r) => r.style).join(' vs ')}`;
  const groups = figureGroups(runs);
  const sections: PageSection[] = [];
  for (const group of groups) sections.push({ title: group.title, html: (await Promise.all(group.figures.map(figure))).join('\n') });
  return htmlPage(title, `${createdAt} · rendered from saved results`, [
    {
      title: 'Summary',
      html: [
        summarySections(runs).map((s) => sectionTable(s, runRows(runs))).join('\n'),
        report.schema === 'interplay/compare@1' ? ratios(report) : '',
        errors(runs),
      ].join('\n'),
    },
    ...sections,
    {
      title: 'Run and environment',
      html: `<dl class="facts">${facts('Load', runs, (r) => loadFacts(r.config))}${facts('Environment', runs, (r) => environmentFacts(r.environment))}</dl>\n${commands(runs)}`,
    },
  ]);
}

async function figure(f: Figure): Promise<string> {
  const plot = f.spec ? await renderSvg(f.spec, f.title) : `<p class="note">${esc(f.note ?? 'Nothing to draw.')}</p>`;
  const heading = f.spec ? '' : `<h3 id="${f.id}-title">${esc(f.title)}</h3>`;
  return `<figure class="chart" id="${f.id}" aria-label="${esc(f.title)}">
<div class="plot">${heading}${plot}</div>
<div class="numbers">${table(f.table, `${f.title}: the numbers`)}</div>
</figure>`;
}

function table(t: SummaryTable, caption: string): string {
  const cell = (tag: 'th' | 'td', text: string, i: number) => `<${tag}${i >= t.names ? ' class="num"' : ''}${tag === 'th' ? ' scope="col"' : ''}>${esc(text)}</${tag}>`;
  const body = t.rows.length > 0 ? t.rows.map((r) => `<tr>${r.map((c, i) => cell('td', c, i)).join('')}</tr>`).join('\n') : `<tr><td colspan="${t.head.length}">none</td></tr>`;
  return `<table><caption>${esc(caption)}</caption>
<thead><tr>${t.head.map((h, i) => cell('th', h, i)).join('')}</tr></thead>
<tbody>${body}</tbody></table>`;
}

/** the terminal's and the Markdown's columns (columns.ts), under their groups' titles as in the terminal */
function sectionTable<T>(section: Section<T>, rows: readonly Row<T>[]): string {
  const columns = section.groups.flatMap((g) => g.columns);
  const groups = section.groups.map((g) => `<th scope="colgroup" colspan="${g.columns.length}" class="group">${esc(g.title)}</th>`).join('');
  const head = `<tr><td></td>${groups}</tr><tr><th scope="col">style</th>${columns.map((c) => `<th scope="col" class="num">${esc(c.header)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr><th scope="row">${esc(r.label)}</th>${columns.map((c) => `<td class="num">${esc(c.cell(r.value))}</td>`).join('')}</tr>`);
  return `<div class="summary"><table><caption>${esc(section.title)}</caption><thead>${head}</thead>\n<tbody>${body.join('\n')}</tbody></table></div>`;
}

function ratios(compare: CompareReport): string {
  const rows = ratioRows(compare.ratios, STYLES);
  if (rows.length === 0) return compare.runs.length > 1 ? '<p>No rest run, so no ratios.</p>' : '';
  return `${sectionTable(RATIO_SECTION, rows)}<p class="muted">Each style’s value divided by rest’s; – where rest’s is 0.</p>`;
}

function errors(runs: readonly RunReport[]): string {
  const rows = runs.filter(hasErrors).flatMap((run) => Object.entries(run.errors).map(([kind, n]) => [run.style, kind, count(n)]));
  return rows.length === 0 ? '' : `<div class="summary">${table({ names: 2, head: ['style', 'error', 'count'], rows }, 'Errors')}</div>`;
}

/** `<dt>`/`<dd>` pairs: what all runs share once; each fact that differs with the styles that have each value */
function facts(title: string, runs: readonly RunReport[], factsOf: (run: RunReport) => Fact[]): string {
  const across = factsAcross(runs, factsOf);
  const items = [
    ...(across.common.length > 0 ? [[title, across.common.join(' · ')]] : []),
    ...across.differing.map((d) => [`${title}, ${d.key}`, perStyle(d.values)]),
  ];
  return items.map(([k, v]) => `<dt>${esc(k ?? '')}</dt><dd>${esc(v ?? '')}</dd>`).join('');
}

function commands(runs: readonly RunReport[]): string {
  const lines = runs.filter((r) => r.config.argv.length > 0).map((r) => ({ style: r.style, line: commandLine(r.config.argv) }));
  if (lines.length === 0) return '<p class="muted">The command line was not saved.</p>';
  const distinct = [...new Set(lines.map((l) => l.line))];
  const shown = distinct.length === 1 ? [{ label: 'Command', line: distinct[0] ?? '' }] : lines.map((l) => ({ label: `Command (${l.style})`, line: l.line }));
  return shown.map((s) => `<h3>${esc(s.label)}</h3><pre><code>${esc(s.line)}</code></pre>`).join('\n');
}

/** the command as it could be typed again: arguments quoted for a POSIX shell where needed */
export function commandLine(argv: readonly string[]): string {
  const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`);
  return ['interplay', ...argv.map(quote)].join(' ');
}

