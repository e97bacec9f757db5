import { STYLES } from '../model/style.ts';
import { RATIO_SECTION, ratioRows, runRows, runSections } from './columns.ts';
import type { Row, Section } from './columns.ts';
import { count, environmentFacts, factsAcross, hasErrors, loadFacts, perStyle } from './format.ts';
import type { Fact } from './format.ts';
import type { CompareReport, RunReport } from '../model/schema.ts';

/** A GitHub-flavoured markdown summary of a comparison or of one run, e.g. for $GITHUB_STEP_SUMMARY. */
export function renderMarkdown(report: CompareReport | RunReport): string {
  const runs = report.schema === 'interplay/compare@1' ? report.runs : [report];
  const createdAt = report.schema === 'interplay/compare@1' ? report.createdAt : report.environment.startedAt;
  const out = [
    `## interplay: ${runs.map((r) => r.style).join(' vs ')}`,
    '',
    `- **Styles:** ${runs.map((r) => r.style).join(', ')} · ${createdAt}`,
    ...facts('Load', runs, (r) => loadFacts(r.config)),
    ...facts('Environment', runs, (r) => environmentFacts(r.environment)),
    ...commands(runs),
  ];
  for (const s of runSections(runs)) out.push('', `### ${s.title}`, '', ...table(s, runRows(runs)));
  // One style has nothing to be compared with: no "vs rest" block, as in the terminal table.
  if (report.schema === 'interplay/compare@1' && runs.length > 1) {
    const rows = ratioRows(report.ratios, STYLES);
    out.push('', `### ${RATIO_SECTION.title}`, '');
    if (rows.length > 0) out.push('Each style’s value divided by rest’s; – where rest’s is 0.', '', ...table(RATIO_SECTION, rows));
    else out.push('No rest run, so no ratios.');
  }
  const failing = runs.filter(hasErrors);
  if (failing.length > 0) {
    out.push('', '### Errors', '', '| style | error | count |', '|---|---|--:|');
    for (const run of failing) {
      for (const [kind, n] of Object.entries(run.errors)) out.push(`| ${run.style} | ${escape(kind)} | ${count(n)} |`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** what all runs share on one bullet; each fact that differs on its own, with the styles that have each value */
function facts(title: string, runs: readonly RunReport[], factsOf: (run: RunReport) => Fact[]): string[] {
  const across = factsAcross(runs, factsOf);
  return [
    ...(across.common.length > 0 ? [`- **${title}:** ${escape(across.common.join(' · '))}`] : []),
    ...across.differing.map((d) => `- **${title}, ${d.key}:** ${escape(perStyle(d.values))}`),
  ];
}

function commands(runs: readonly RunReport[]): string[] {
  const across = factsAcross(runs, (r) => (r.config.argv.length > 0 ? [{ key: 'command', text: r.config.argv.join(' ') }] : []));
  return [
    ...across.common.map((c) => `- **Command:** ${code(c)}`),
    ...across.differing.flatMap((d) => d.values.map((v) => `- **Command (${v.styles.join(', ')}):** ${code(v.text)}`)),
  ];
}

function table<T>(s: Section<T>, rows: readonly Row<T>[]): string[] {
  const columns = s.groups.flatMap((g) => g.columns);
  return [
    `| style | ${columns.map((c) => escape(c.label)).join(' | ')} |`,
    `|---|${columns.map(() => '--:').join('|')}|`,
    ...rows.map((r) => `| ${r.label} | ${columns.map((c) => escape(c.cell(r.value))).join(' | ')} |`),
  ];
}

/** keeps text from other programs (CPU model, error kinds) from breaking a table or turning into markup */
const escape = (text: string): string => text.replace(/[\\|*_`<>[\]]/g, (c) => `\\${c}`);

/** an inline code span that survives backticks in the text */
function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

export { escape as escapeMarkdown };
