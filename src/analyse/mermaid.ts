import type { DependencyGraph } from './graph.ts';
import { OUTSIDE, type Hop } from './hops.ts';

/**
 * Mermaid text drawn from the observed graph, never from a list of what should be there.
 * Ids are sanitised (Mermaid ids allow only word characters); labels are quoted, with `"` escaped.
 */
const id = (name: string): string => name.replace(/\W/g, '_');
const label = (text: string): string => `"${text.replace(/"/g, '#quot;')}"`;
const brokerName = (broker: string): string => (broker === 'nats' ? 'NATS' : broker);
const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(2));

/** Solid arrows: synchronous calls (routes, and calls per order). Dashed: publisher → subject → consumer. */
export function mermaidFlowchart(graph: DependencyGraph): string {
  const lines = ['flowchart LR'];
  const nodes = new Set<string>();
  const node = (name: string, shape: 'service' | 'outside' | 'subject'): string => {
    const key = shape === 'subject' ? `subject_${id(name)}` : id(name);
    if (!nodes.has(key)) {
      nodes.add(key);
      const text = label(name);
      lines.push(`  ${key}${shape === 'outside' ? `([${text}])` : shape === 'subject' ? `{{${text}}}` : `[${text}]`}`);
    }
    return key;
  };
  for (const e of graph.entries) {
    lines.push(`  ${node(OUTSIDE, 'outside')} -->|${label(`${e.method} ${e.route}`)}| ${node(e.service, 'service')}`);
  }
  for (const e of graph.sync) {
    const routes = e.routes.map((r) => `${r.method} ${r.route}${r.perOrder === null ? '' : ` ×${fmt(r.perOrder)}`}`).join('<br/>');
    lines.push(`  ${node(e.from, 'service')} -->|${label(routes)}| ${node(e.to, 'service')}`);
  }
  const published = new Set<string>();
  for (const e of graph.async) {
    const subject = node(e.subject, 'subject');
    const edge = `${e.publisher} ${e.subject}`;
    if (!published.has(edge) && e.publisher !== 'unknown') {
      published.add(edge);
      lines.push(`  ${node(e.publisher, 'service')} -.-> ${subject}`);
    }
    lines.push(`  ${subject} -.->|${label(e.durable)}| ${node(e.consumer, 'service')}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * One order as a sequence diagram: requests at their span's start, answers at its end, messages
 * through the broker as async arrows; participants in order of first appearance, the broker last.
 */
export function mermaidSequence(hops: readonly Hop[], traceId: string): string {
  const events: { t: number; seq: number; line: string }[] = [];
  const participants: string[] = [];
  const brokers = new Set<string>();
  const who = (name: string): string => {
    if (!participants.includes(name)) participants.push(name);
    return id(name);
  };
  const push = (t: number, line: string): void => void events.push({ t, seq: events.length, line: `  ${line}` });
  const ordered = hops.filter((h) => h.traceId === traceId).sort((a, b) => a.startMs - b.startMs);
  for (const h of ordered) {
    switch (h.type) {
      case 'entry':
        push(h.startMs, `${who(OUTSIDE)}->>${who(h.service)}: ${h.method} ${h.route}`);
        push(h.endMs, `${id(h.service)}-->>${id(OUTSIDE)}: ${h.status}`);
        break;
      case 'call':
        push(h.startMs, `${who(h.from)}->>${who(h.to)}: ${h.method} ${h.route}`);
        push(h.endMs, `${id(h.to)}-->>${id(h.from)}: ${h.status}`);
        break;
      case 'publish':
        brokers.add(brokerName(h.broker));
        push(h.startMs, `${who(h.service)}-)${id(brokerName(h.broker))}: ${h.subject}`);
        break;
      case 'consume':
        brokers.add(brokerName(h.broker));
        push(h.startMs, `${id(brokerName(h.broker))}-)${who(h.service)}: ${h.subject} (${h.durable})`);
        break;
    }
  }
  // Ties keep insertion order, so a request drawn at the same instant as its answer comes first.
  events.sort((a, b) => a.t - b.t || a.seq - b.seq);
  const head = [...participants, ...brokers].map((p) => (p === OUTSIDE ? `  actor ${id(p)}` : `  participant ${id(p)} as ${p}`));
  return ['sequenceDiagram', ...head, ...events.map((e) => e.line)].join('\n') + '\n';
}
