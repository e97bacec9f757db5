import { hopsOf, mermaidFlowchart, mermaidSequence, type CouplingReport } from '../analyse/index.ts';
import type { ObservedSpan } from '../platform/observed-span.ts';

/** What `interplay explain` shows of one style: read from the analysis, computed nowhere else. */
export interface ExplainView {
  readonly style: string;
  readonly report: CouplingReport;
  readonly spans: readonly ObservedSpan[];
  readonly sampleTrace: string | undefined;
}

const fixed = (n: number | null, digits = 2) => (n === null ? '–' : n.toFixed(digits));
const percent = (n: number) => `${(n * 100).toFixed(2)} %`;

/** The per-service coupling table; fits 80 columns. Header and rows share one layout. */
function couplingTable(report: CouplingReport): string[] {
  const row = (cells: readonly string[]) => {
    const [service = '', sCa = '', sCe = '', sI = '', aCa = '', aCe = '', aI = '', temporal = ''] = cells;
    return ` ${service.padEnd(13)} │ ${sCa.padStart(3)} ${sCe.padStart(3)} ${sI.padStart(5)} │ ${aCa.padStart(3)} ${aCe.padStart(3)} ${aI.padStart(5)} │ ${temporal.padStart(8)}`;
  };
  const group = ` ${''.padEnd(13)} │ ${'synchronous'.padEnd(13)} │ ${'asynchronous'.padEnd(13)} │`;
  const head = row(['service', 'Ca', 'Ce', 'I', 'Ca', 'Ce', 'I', 'temporal']);
  const rule = head.replace(/[^│]/g, '─').replace(/│/g, '┼');
  const rows = report.services.map((s) =>
    row([s.service, String(s.sync.ca), String(s.sync.ce), fixed(s.sync.instability), String(s.async.ca), String(s.async.ce), fixed(s.async.instability), fixed(s.temporal)]),
  );
  return [group, head, rule, ...rows];
}

function milestones(report: CouplingReport): string[] {
  const { accept, complete } = report.orders;
  const lines = (label: string, m: typeof accept) =>
    m
      ? [`${label}: ${m.syncHops} synchronous hop${m.syncHops === 1 ? '' : 's'}, available ${percent(m.availability)}`, `  needs up: ${m.required.join(', ')}`]
      : [`${label}: not observed`];
  return [`orders observed: ${report.orders.count}`, ...lines('before the 201', accept), ...lines('before the notification', complete)];
}

/** The whole explanation in Markdown: metrics, then the two Mermaid diagrams. */
export function renderExplainMarkdown(view: ExplainView): string {
  const hops = hopsOf(view.spans);
  const out = [
    `### ${view.style}`,
    '',
    '```',
    ...couplingTable(view.report),
    '',
    ...milestones(view.report),
    '```',
    '',
    'Dependency graph (solid: synchronous calls per order; dashed: events):',
    '',
    '```mermaid',
    mermaidFlowchart(view.report.graph),
    '```',
  ];
  if (view.sampleTrace) out.push('', 'One observed order:', '', '```mermaid', mermaidSequence(hops, view.sampleTrace), '```');
  return `${out.join('\n')}\n`;
}

/** The terminal form: the same content, Mermaid as text a user can paste into any Mermaid viewer. */
export function renderExplainText(view: ExplainView): string {
  const hops = hopsOf(view.spans);
  const out = [
    `interplay explain · ${view.style}`,
    '',
    ...couplingTable(view.report),
    '',
    ...milestones(view.report),
    '',
    'graph (Mermaid):',
    mermaidFlowchart(view.report.graph),
  ];
  if (view.sampleTrace) out.push('', 'one observed order (Mermaid):', mermaidSequence(hops, view.sampleTrace));
  return `${out.join('\n')}\n`;
}
