import type { OutageCell, OutageResult } from '../measure/faults/outage.ts';
import { recoveryText, type Recovery } from '../measure/faults/recovery.ts';
import { wrap } from './format.ts';

const percent = (share: number): string => `${Math.round(share * 100)} %`;
const seconds = (ms: number): string => (ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

/**
 * "accepted 0 %, completed 100 %, recovered in 2.1 s": what a client saw of the outage, what came
 * of it, and how long after the component was back every order accepted until then was notified.
 */
export function cellText(cell: OutageCell): string {
  if (!cell.applies) return 'n/a';
  const accepted = `accepted ${percent(cell.acceptedShare)}`;
  const n = cell.anomalies.length;
  // Refused, yet placed: the client was answered an error for an order the system went on to settle.
  const anyway = cell.placedAnyway > 0 ? `, ${cell.placedAnyway} placed anyway` : '';
  const anomalies = n === 0 ? '' : `, ${n} ${n === 1 ? 'ANOMALY' : 'ANOMALIES'}`;
  const completed = cell.completedShare === null ? 'nothing to complete' : `completed ${percent(cell.completedShare)}`;
  return `${accepted}, ${completed}${recoveredText(cell)}${anyway}${anomalies}`;
}

/** ", recovered in 2.1 s"; a result saved before recovery was measured says how long the orders accepted during the outage took */
function recoveredText(cell: Extract<OutageCell, { applies: true }>): string {
  const recovery = (cell as { recovery?: Recovery }).recovery;
  if (recovery) return recovery.ms === null ? `, recovery ${recoveryText(recovery)}` : `, recovered in ${recoveryText(recovery)}`;
  return cell.drainMs === null ? '' : ` after ${seconds(cell.drainMs)}`;
}

/** "p99 120 ms → 4.2 s": completion before the outage, and of the orders placed during it */
export function penaltyText(cell: OutageCell): string {
  if (!cell.applies || cell.p99Before === null) return '';
  return `p99 ${seconds(cell.p99Before)} → ${cell.p99During === null ? '–' : seconds(cell.p99During)}`;
}

const headline = (r: OutageResult): string =>
  `outage: each component down for ${seconds(r.config.downMs)} mid-way through a ${seconds(r.config.durationMs)} window at ${r.config.rate}/s`;
const note =
  'one system per style, reused across its components: each is started again, the system settles and is checked before the next';

/** Styles stacked, one line per component (two when narrow), within `width` columns. */
export function renderOutageMatrix(r: OutageResult, width = 80): string {
  const lines = [...wrap(`${headline(r)}.`, width), ...wrap(`(${note})`, width)];
  const label = Math.max(...r.config.components.map((c) => c.length)) + 2;
  for (const { style, cells } of r.styles) {
    lines.push('', style);
    for (const cell of cells) {
      const head = `  ${cell.component.padEnd(label)}${cellText(cell)}`;
      const penalty = penaltyText(cell);
      const one = penalty ? `${head}; ${penalty}` : head;
      if (one.length <= width) lines.push(one);
      else lines.push(head, `  ${' '.repeat(label)}${penalty}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** summary.md: the matrix as a table, styles down, components across, and every anomaly. */
export function outageMarkdown(r: OutageResult): string {
  const components = r.config.components;
  const rows = r.styles.map(({ style, cells }) => `| ${style} | ${cells.map((c) => [cellText(c), penaltyText(c)].filter(Boolean).join('<br>')).join(' | ')} |`);
  const anomalies = r.styles.flatMap(({ style, cells }) =>
    cells.flatMap((c) => (c.applies ? c.anomalies.map((a) => `- ${style}, ${c.component} down: ${a.type}: ${a.message}`) : [])),
  );
  return [
    '# Outage matrix',
    '',
    `${headline(r)}; ${r.config.users} users, seed ${r.config.seed}.`,
    `Accepted: orders answered 201 while the component was down. Completed: of those, the share whose notification arrived. Recovered in: from the component's return (started again and ready) until every order accepted before or during the outage was settled and its user notified. Placed anyway: orders the client was answered an error for, which the system kept and settled (REST's recovery sweep refuses those billing never charged). p99: completion latency of orders placed before the outage → during it.`,
    `${note[0]!.toUpperCase()}${note.slice(1)}.`,
    '',
    `| style | ${components.join(' | ')} |`,
    `|---|${components.map(() => '---').join('|')}|`,
    ...rows,
    '',
    anomalies.length === 0 ? 'The invariant checker found no anomalies.' : `## Anomalies\n\n${anomalies.join('\n')}`,
    '',
  ].join('\n');
}

/** exit code 1 when a check after an outage found anomalies */
export const outageFailed = (r: OutageResult): boolean => r.styles.some((s) => s.cells.some((c) => c.applies && c.anomalies.length > 0));
