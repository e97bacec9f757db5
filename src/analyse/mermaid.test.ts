import { describe, expect, it } from 'vitest';
import { analyseCoupling } from './coupling.ts';
import { hopsOf } from './hops.ts';
import { mermaidFlowchart, mermaidSequence } from './mermaid.ts';
import { collaborationOrder, notificationOrder, restOrder } from './test-spans.ts';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('mermaid flowchart', () => {
  it('draws rest calls as solid arrows with their routes per order', () => {
    const text = mermaidFlowchart(analyseCoupling(restOrder()).graph);
    expect(text.startsWith('flowchart LR\n')).toBe(true);
    expect(text).toContain('  client -->|"POST /orders"| gateway\n');
    expect(text).toContain('  order -->|"POST /internal/payments ×1"| billing\n');
    expect(text).toContain('  notification -->|"GET /internal/users/:id ×1"| auth\n');
    expect(text).toContain('  auth["auth"]\n');
    expect(text).not.toContain('-.->');
  });

  it('draws events as dashed arrows through a subject node to each consumer', () => {
    const text = mermaidFlowchart(analyseCoupling(collaborationOrder()).graph);
    expect(text).toContain('  subject_orders_order_created{{"orders.order.created"}}\n');
    expect(text).toContain('  order -.-> subject_orders_order_created\n');
    expect(text).toContain('  subject_orders_order_created -.->|"billing-order-created"| billing\n');
    expect(text).toContain('  subject_orders_order_finished -.->|"notification-order-finished"| notification\n');
    // Every line after the header declares a node or draws an edge between two ids: the shape Mermaid parses.
    const node = /^ {2}\w+(\(\["[^"]*"\]\)|\["[^"]*"\]|\{\{"[^"]*"\}\})$/;
    const edge = /^ {2}\w+ (-->|-\.->)(\|"[^"]*"\|)? \w+$/;
    for (const line of text.trim().split('\n').slice(1)) expect(node.test(line) || edge.test(line), line).toBe(true);
  });
});

describe('mermaid sequence', () => {
  it('shows one rest order in time order, the 201 last', () => {
    const text = mermaidSequence(hopsOf(restOrder()), TRACE);
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('sequenceDiagram');
    expect(lines.slice(1, 7)).toEqual([
      '  actor client',
      '  participant gateway as gateway',
      '  participant order as order',
      '  participant billing as billing',
      '  participant notification as notification',
      '  participant auth as auth',
    ]);
    expect(lines.slice(7)).toEqual([
      '  client->>gateway: POST /orders',
      '  gateway->>order: POST /orders',
      '  order->>billing: POST /internal/payments',
      '  billing-->>order: 201',
      '  order->>notification: POST /internal/notifications',
      '  notification->>auth: GET /internal/users/:id',
      '  auth-->>notification: 200',
      '  notification-->>order: 201',
      '  order-->>gateway: 201',
      '  gateway-->>client: 201',
    ]);
  });

  it('routes events through NATS, after the 201 in event notification', () => {
    const lines = mermaidSequence(hopsOf(notificationOrder()), TRACE).trim().split('\n');
    expect(lines).toContain('  participant NATS as NATS');
    const answered = lines.indexOf('  gateway-->>client: 201');
    const published = lines.indexOf('  order-)NATS: orders.order.created');
    const delivered = lines.indexOf('  NATS-)notification: orders.order.changed (notification-order-changed)');
    expect(answered).toBeGreaterThan(0);
    expect(published).toBeGreaterThan(answered);
    expect(delivered).toBeGreaterThan(published);
    expect(lines.at(-1)).toBe('  auth-->>notification: 200');
  });
});
