import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainStyle, type Explained } from '../src/scenarios/explain.ts';
import { renderExplainMarkdown } from '../src/report/explain.ts';
import { setupNats, type TestNats } from './support/nats.ts';

/** The coupling graph comes from spans of real orders; these are the edges each style must show per order. */

const EXPECTED_SYNC = {
  rest: ['gateway→order POST /orders', 'notification→auth GET /internal/users/:id', 'order→billing POST /internal/payments', 'order→notification POST /internal/notifications'],
  notification: [
    'billing→order GET /internal/orders/:id',
    'gateway→order POST /orders',
    'notification→auth GET /internal/users/:id',
    'notification→order GET /internal/orders/:id',
    'order→billing GET /internal/payments/:orderId',
  ],
  collaboration: ['gateway→order POST /orders'],
} as const;

const EXPECTED_ASYNC = {
  rest: [],
  notification: [
    'billing billing.payment.changed→order',
    'order orders.order.changed→notification',
    'order orders.order.created→billing',
  ],
  collaboration: [
    'billing billing.payment.completed→order',
    'order orders.order.created→billing',
    'order orders.order.finished→notification',
  ],
} as const;

/** the synchronous edges an order makes: calls seen in order traces */
const syncPerOrder = (e: Explained) =>
  e.report.graph.sync.flatMap((edge) => edge.routes.filter((r) => (r.perOrder ?? 0) > 0).map((r) => `${edge.from}→${edge.to} ${r.method} ${r.route}`)).sort();
const asyncPerOrder = (e: Explained) =>
  e.report.graph.async.filter((edge) => (edge.perOrder ?? 0) > 0).map((edge) => `${edge.publisher} ${edge.subject}→${edge.consumer}`).sort();

/** The dependency graph (a Mermaid flowchart) in a style's part of the Markdown, per order and so independent of how many were placed. */
const dependencyGraph = (markdown: string, style: string): string | undefined => {
  const part = markdown.split(/^### /m).find((p) => p.startsWith(`${style}\n`));
  return part?.match(/```mermaid\nflowchart LR\n[\s\S]*?```/)?.[0];
};

let nats: TestNats;
beforeAll(async () => {
  nats = await setupNats();
});
afterAll(() => nats?.teardown());

describe.each(['rest', 'notification', 'collaboration'] as const)('explain %s', (style) => {
  let explained: Explained;
  beforeAll(async () => {
    explained = await explainStyle({ style, orders: 2, nats: nats.url });
  }, 60_000);

  it('observes every order it placed', () => {
    expect(explained.report.orders.count).toBe(2);
  });

  it('finds exactly the synchronous calls an order makes in this style', () => {
    expect(syncPerOrder(explained)).toEqual([...EXPECTED_SYNC[style]]);
  });

  it('finds exactly the events an order sets off in this style', () => {
    expect(asyncPerOrder(explained)).toEqual([...EXPECTED_ASYNC[style]]);
  });

  it('prints the graph and one order as Mermaid', () => {
    const md = renderExplainMarkdown(explained);
    expect(md).toContain('```mermaid\nflowchart LR');
    expect(md).toContain('```mermaid\nsequenceDiagram');
  });

  it('shows in docs/styles.md the dependency graph its orders show (npm run docs:explain rewrites it)', () => {
    const doc = readFileSync(new URL('../docs/styles.md', import.meta.url), 'utf8');
    const observed = dependencyGraph(renderExplainMarkdown(explained), style);
    expect(observed).toBeDefined();
    expect(dependencyGraph(doc, style), `docs/styles.md is stale: run npm run docs:explain`).toBe(observed);
  });
});

describe('what must be up', () => {
  it('in collaboration, the 201 needs only the gateway and order, and the notification also billing, notification and the broker', async () => {
    const { report } = await explainStyle({ style: 'collaboration', orders: 1, nats: nats.url });

    expect(report.orders.accept?.required).toEqual(['gateway', 'order']);
    expect(report.orders.complete?.required).toEqual(['billing', 'gateway', 'nats', 'notification', 'order']);
    expect(report.orders.accept?.availability).toBeCloseTo(0.999 ** 2, 6);
  }, 60_000);
});
