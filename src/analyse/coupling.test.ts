import { describe, expect, it } from 'vitest';
import { analyseCoupling, type CouplingReport } from './coupling.ts';
import { collaborationOrder, notificationOrder, restOrder } from './test-spans.ts';

const edges = (r: CouplingReport) => r.graph.sync.map((e) => `${e.from}→${e.to} ${e.routes.map((x) => `${x.method} ${x.route}`).join(',')} ×${e.perOrder}`);
const asyncEdges = (r: CouplingReport) => r.graph.async.map((e) => `${e.publisher}→${e.subject}→${e.consumer}`);
const of = (r: CouplingReport, service: string) => {
  const s = r.services.find((x) => x.service === service);
  if (!s) throw new Error(`no ${service} in ${r.services.map((x) => x.service).join(', ')}`);
  return s;
};

describe('coupling - rest', () => {
  const r = analyseCoupling(restOrder());

  it('draws each synchronous call once per order, from either end of the span pair', () => {
    expect(edges(r)).toEqual([
      'gateway→order POST /orders ×1',
      'notification→auth GET /internal/users/:id ×1',
      'order→billing POST /internal/payments ×1',
      'order→notification POST /internal/notifications ×1',
    ]);
    expect(r.graph.async).toEqual([]);
    expect(r.graph.entries).toEqual([{ service: 'gateway', method: 'POST', route: '/orders', calls: 1 }]);
  });

  it('counts afferent and efferent services and instability per service', () => {
    expect(of(r, 'order').sync).toEqual({ ca: 1, ce: 2, instability: 2 / 3 });
    expect(of(r, 'notification').sync).toEqual({ ca: 1, ce: 1, instability: 0.5 });
    expect(of(r, 'auth').sync).toEqual({ ca: 1, ce: 0, instability: 0 });
    expect(of(r, 'gateway').sync).toEqual({ ca: 0, ce: 1, instability: 1 });
    expect(of(r, 'billing').async).toEqual({ ca: 0, ce: 0, instability: null });
    expect(r.services.map((s) => s.temporal)).toEqual([1, 1, 1, 1, 1]);
  });

  it('needs every service up, four hops deep, before the 201', () => {
    expect(r.orders.count).toBe(1);
    expect(r.orders.accept).toEqual({ syncHops: 4, required: ['auth', 'billing', 'gateway', 'notification', 'order'], availability: 0.999 ** 5 });
    expect(r.orders.accept?.availability).toBeCloseTo(0.99501, 5);
    expect(r.orders.complete?.required).toEqual(['auth', 'billing', 'gateway', 'notification', 'order']);
    expect(r.orders.complete?.syncHops).toBe(4);
  });
});

describe('coupling - event notification', () => {
  const r = analyseCoupling(notificationOrder());

  it('shows the four read-backs as synchronous edges and the three subjects as asynchronous ones', () => {
    expect(edges(r)).toEqual([
      'billing→order GET /internal/orders/:id ×1',
      'gateway→order POST /orders ×1',
      'notification→auth GET /internal/users/:id ×1',
      'notification→order GET /internal/orders/:id ×1',
      'order→billing GET /internal/payments/:orderId ×1',
    ]);
    expect(asyncEdges(r)).toEqual([
      'billing→billing.payment.changed→order',
      'order→orders.order.changed→notification',
      'order→orders.order.created→billing',
    ]);
  });

  it('makes the consumer depend on the publisher, and counts the share of synchronous interactions', () => {
    expect(of(r, 'order').async).toEqual({ ca: 2, ce: 1, instability: 1 / 3 });
    expect(of(r, 'notification').async).toEqual({ ca: 0, ce: 1, instability: 1 });
    expect(of(r, 'order').sync).toEqual({ ca: 3, ce: 1, instability: 0.25 });
    // order: answers gateway, billing and notification, calls billing (4 sync); publishes 2, processes 1.
    expect(of(r, 'order').temporal).toBeCloseTo(4 / 7, 10);
  });

  it('answers with only gateway and order up, but completes only with the reads and the broker', () => {
    expect(r.orders.accept).toEqual({ syncHops: 1, required: ['gateway', 'order'], availability: 0.999 ** 2 });
    expect(r.orders.complete).toEqual({
      syncHops: 5,
      required: ['auth', 'billing', 'gateway', 'nats', 'notification', 'order'],
      availability: 0.999 ** 6,
    });
  });
});

describe('coupling - event collaboration', () => {
  const r = analyseCoupling(collaborationOrder());

  it('has no service-to-service call after the gateway', () => {
    expect(edges(r)).toEqual(['gateway→order POST /orders ×1']);
    expect(asyncEdges(r)).toEqual([
      'billing→billing.payment.completed→order',
      'order→orders.order.created→billing',
      'order→orders.order.finished→notification',
    ]);
    expect(of(r, 'notification').temporal).toBe(0);
  });

  it('accepts with gateway and order, and completes without auth', () => {
    expect(r.orders.accept).toEqual({ syncHops: 1, required: ['gateway', 'order'], availability: 0.999 ** 2 });
    expect(r.orders.complete).toEqual({ syncHops: 1, required: ['billing', 'gateway', 'nats', 'notification', 'order'], availability: 0.999 ** 5 });
  });
});

describe('coupling - several orders', () => {
  it('reports calls per order and the same path when every order took it', () => {
    const r = analyseCoupling([...restOrder('a'.repeat(32)), ...restOrder('b'.repeat(32))]);
    expect(r.orders.count).toBe(2);
    expect(r.graph.sync.find((e) => e.to === 'billing')).toMatchObject({ calls: 2, perOrder: 1 });
    expect(r.orders.accept?.syncHops).toBe(4);
  });
});

describe('coupling - relative indices', () => {
  it('ranks the pair that shares the most operations highest in structural coupling', () => {
    const r = analyseCoupling(notificationOrder());
    const top = r.structural[0];
    // order and billing: each reads the other and each processes the other's event (4 links), the most of any pair.
    expect(top).toMatchObject({ outAB: 2, outBA: 2 });
    expect([top?.a, top?.b].sort()).toEqual(['billing', 'order']);
    expect(top?.sc).toBeCloseTo(1 - (1 / 4) * (3 / 5) * 1, 10);
    const notification = r.relative.find((x) => x.service === 'notification');
    // it depends on order and auth out of the four other services, and uses all they were seen offering it
    expect(notification).toMatchObject({ dependence: 2 / 4, importance: 0 });
  });
});
