import type { OutageResult } from '../measure/faults/outage.ts';
import { htmlPage, type PageSection } from './html-page.ts';
import { renderExplainText, type ExplainView } from './explain.ts';
import { cellText, penaltyText } from './outage.ts';
import { escapeXml as esc } from './svg.ts';

/** The outage matrix as a page: styles down, stopped components across, every anomaly below. */
export function renderOutageHtml(r: OutageResult): string {
  const components = r.config.components;
  const head = `<tr><th scope="col">style</th>${components.map((c) => `<th scope="col">${esc(c)} down</th>`).join('')}</tr>`;
  const rows = r.styles.map(
    ({ style, cells }) =>
      `<tr><th scope="row">${esc(style)}</th>${cells.map((c) => `<td>${[cellText(c), penaltyText(c)].filter(Boolean).map(esc).join('<br>')}</td>`).join('')}</tr>`,
  );
  const anomalies = r.styles.flatMap(({ style, cells }) =>
    cells.flatMap((c) => (c.applies ? c.anomalies.map((a) => `<li>${esc(`${style}, ${c.component} down: ${a.type}: ${a.message}`)}</li>`) : [])),
  );
  const sections: PageSection[] = [
    {
      title: 'Outage matrix',
      html: `<p>Each component stopped for ${esc(String(r.config.downMs / 1000))} s under ${esc(String(r.config.rate))} orders/s. Accepted: orders answered 201 while it was down; completed: of those, the share whose notification arrived and how long after the component was back the last one did; p99: completion latency before → during the outage.</p>
<table><caption>styles × stopped component</caption><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`,
    },
    { title: 'Invariants', html: anomalies.length === 0 ? '<p>The invariant checker found no anomalies.</p>' : `<ul>${anomalies.join('')}</ul>` },
  ];
  return htmlPage('interplay outage', 'rendered from saved results', sections);
}

/**
 * What `interplay explain` observed, per style: the coupling table and the Mermaid sources of the
 * graph and of one order. The page runs no script, so the diagrams are given as Mermaid text, ready
 * for any Mermaid viewer (GitHub renders them in explain.md).
 */
export function renderExplainHtml(views: readonly ExplainView[]): string {
  return htmlPage(
    'interplay explain',
    'coupling observed from spans of real orders',
    views.map((v) => ({ title: v.style, html: `<pre>${esc(renderExplainText(v))}</pre>` })),
  );
}
