import type { ObservedSpan } from '../platform/observed-span.ts';
import { hopsOf, OUTSIDE, type Hop } from './hops.ts';
import { orderPaths, type OrderPaths, type PathOptions } from './order-path.ts';
import { relativeCoupling, structuralCoupling, type PairCoupling, type RelativeCoupling } from './indices.ts';
import type { AsyncEdge, DependencyGraph, SyncEdge } from './graph.ts';

/** Martin's package metrics applied to services: I = Ce / (Ca + Ce), null with no dependency either way. */
export interface Martin {
  readonly ca: number;
  readonly ce: number;
  readonly instability: number | null;
}

export interface ServiceCoupling {
  readonly service: string;
  readonly sync: Martin;
  readonly async: Martin;
  /** synchronous interactions / all interactions of the service (calls made and answered, messages published and processed) */
  readonly temporal: number | null;
  readonly interactions: { readonly sync: number; readonly async: number };
}

export interface CouplingReport {
  readonly graph: DependencyGraph;
  readonly services: readonly ServiceCoupling[];
  readonly orders: OrderPaths;
  readonly structural: readonly PairCoupling[];
  readonly relative: readonly RelativeCoupling[];
}

/** Spans of one run (one style) → its graph and coupling measures. Pure. */
export function analyseCoupling(spans: readonly ObservedSpan[], opts: PathOptions = {}): CouplingReport {
  const hops = hopsOf(spans);
  const orders = orderPaths(spans, hops, opts);
  const graph = dependencyGraph(spans, hops, orders.traceIds);
  return {
    graph,
    services: graph.services.map((s) => serviceCoupling(s, graph, hops)),
    orders,
    structural: structuralCoupling(graph),
    relative: relativeCoupling(graph),
  };
}

export function dependencyGraph(spans: readonly ObservedSpan[], hops: readonly Hop[], orderTraces: ReadonlySet<string>): DependencyGraph {
  const perOrder = (n: number): number | null => (orderTraces.size === 0 ? null : n / orderTraces.size);
  const services = new Set(spans.map((s) => s.service));
  const entries = new Map<string, { service: string; method: string; route: string; calls: number }>();
  const sync = new Map<string, { from: string; to: string; calls: number; inOrders: number; routes: Map<string, { method: string; route: string; calls: number; inOrders: number }> }>();
  const publishers = new Map<string, Set<string>>();
  const consumers = new Map<string, { consumer: string; subject: string; durable: string; broker: string; consumed: number; inOrders: number }>();

  for (const h of hops) {
    const inOrder = orderTraces.has(h.traceId) ? 1 : 0;
    switch (h.type) {
      case 'entry': {
        const key = `${h.service} ${h.method} ${h.route}`;
        const e = entries.get(key) ?? { service: h.service, method: h.method, route: h.route, calls: 0 };
        e.calls += 1;
        entries.set(key, e);
        break;
      }
      case 'call': {
        services.add(h.to);
        const edge = sync.get(`${h.from}→${h.to}`) ?? { from: h.from, to: h.to, calls: 0, inOrders: 0, routes: new Map() };
        edge.calls += 1;
        edge.inOrders += inOrder;
        const r = edge.routes.get(`${h.method} ${h.route}`) ?? { method: h.method, route: h.route, calls: 0, inOrders: 0 };
        r.calls += 1;
        r.inOrders += inOrder;
        edge.routes.set(`${h.method} ${h.route}`, r);
        sync.set(`${h.from}→${h.to}`, edge);
        break;
      }
      case 'publish':
        publishers.set(h.subject, (publishers.get(h.subject) ?? new Set()).add(h.service));
        break;
      case 'consume': {
        const c = consumers.get(h.durable + ' ' + h.subject) ?? { consumer: h.service, subject: h.subject, durable: h.durable, broker: h.broker, consumed: 0, inOrders: 0 };
        c.consumed += 1;
        c.inOrders += inOrder;
        consumers.set(h.durable + ' ' + h.subject, c);
        break;
      }
    }
  }
  services.delete(OUTSIDE);
  const asyncEdges: AsyncEdge[] = [];
  for (const c of consumers.values()) {
    // A subject whose publisher was not recorded (sampled out, another process's file missing) still shows.
    for (const publisher of publishers.get(c.subject) ?? new Set(['unknown'])) {
      asyncEdges.push({ publisher, subject: c.subject, consumer: c.consumer, durable: c.durable, broker: c.broker, consumed: c.consumed, perOrder: perOrder(c.inOrders) });
    }
  }
  return {
    services: [...services].sort(),
    entries: [...entries.values()].sort((a, b) => a.service.localeCompare(b.service) || a.route.localeCompare(b.route)),
    sync: [...sync.values()]
      .map((e) => ({
        from: e.from, to: e.to, calls: e.calls, perOrder: perOrder(e.inOrders),
        routes: [...e.routes.values()].map((r) => ({ method: r.method, route: r.route, calls: r.calls, perOrder: perOrder(r.inOrders) })),
      }))
      .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to)),
    async: asyncEdges.sort((a, b) => a.subject.localeCompare(b.subject) || a.consumer.localeCompare(b.consumer)),
  };
}

/**
 * Martin's Ca/Ce count distinct services. A caller depends on its callee; a consumer depends on the
 * publisher of what it processes (it must understand that event), the publisher on no consumer.
 */
function serviceCoupling(service: string, graph: DependencyGraph, hops: readonly Hop[]): ServiceCoupling {
  const syncIn = new Set(graph.sync.filter((e) => e.to === service && e.from !== OUTSIDE).map((e) => e.from));
  const syncOut = new Set(graph.sync.filter((e) => e.from === service).map((e) => e.to));
  const asyncIn = new Set(graph.async.filter((e) => e.publisher === service && e.consumer !== service).map((e) => e.consumer));
  const asyncOut = new Set(graph.async.filter((e) => e.consumer === service && e.publisher !== service).map((e) => e.publisher));
  let sync = 0;
  let async = 0;
  for (const h of hops) {
    if (h.type === 'call' && (h.from === service || h.to === service)) sync += 1;
    else if (h.type === 'entry' && h.service === service) sync += 1;
    else if ((h.type === 'publish' || h.type === 'consume') && h.service === service) async += 1;
  }
  return {
    service,
    sync: martin(syncIn.size, syncOut.size),
    async: martin(asyncIn.size, asyncOut.size),
    temporal: sync + async === 0 ? null : sync / (sync + async),
    interactions: { sync, async },
  };
}

const martin = (ca: number, ce: number): Martin => ({ ca, ce, instability: ca + ce === 0 ? null : ce / (ca + ce) });
