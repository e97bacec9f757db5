import type { ObservedSpan } from '../platform/observed-span.ts';
import type { Hop } from './hops.ts';
import { groupBy } from './group-by.ts';

export interface PathOptions {
  /** the request that places an order; default the gateway's POST /orders */
  readonly entry?: { readonly service: string; readonly method: string; readonly route: string };
  /** the service whose handling completes an order (it tells the user); default notification */
  readonly completion?: string;
  /** the fraction of time each service (and the broker) is up; default 0.999 */
  readonly availability?: number;
}

/** What one milestone of an order needed: the user's 201, or the notification. */
export interface Milestone {
  /** synchronous service-to-service calls started in the order's trace before the milestone */
  readonly syncHops: number;
  /** services (and the broker) that took part before the milestone: all must be up for it */
  readonly required: readonly string[];
  /** availability ^ |required|: the chance the milestone is reachable if each part fails independently */
  readonly availability: number;
}

export interface OrderPaths {
  /** orders observed: traces holding the entry request */
  readonly count: number;
  readonly traceIds: ReadonlySet<string>;
  /** the median over orders for hops; parts needed by at least half of the orders */
  readonly accept: Milestone | null;
  /** null when no order reached the completion service */
  readonly complete: Milestone | null;
}

const DEFAULT_ENTRY = { service: 'gateway', method: 'POST', route: '/orders' } as const;

/**
 * Per order trace: the accept window is the entry span (it ends when the 201 leaves); a call counts
 * when it lies inside it. The complete window ends with the last server or consumer span of the
 * completion service; a call counts when it started before that, since every call then in flight
 * (the one delivering the notification included) is on the way to it.
 */
export function orderPaths(spans: readonly ObservedSpan[], hops: readonly Hop[], opts: PathOptions = {}): OrderPaths {
  const entry = opts.entry ?? DEFAULT_ENTRY;
  const completion = opts.completion ?? 'notification';
  const up = opts.availability ?? 0.999;
  const roots = new Map<string, ObservedSpan>();
  for (const s of spans) {
    const isEntry = s.kind === 'server' && s.service === entry.service && attr(s, 'http.request.method') === entry.method && attr(s, 'http.route') === entry.route;
    const first = roots.get(s.traceId);
    if (isEntry && (!first || s.startMs < first.startMs)) roots.set(s.traceId, s);
  }
  const hopsByTrace = groupBy(hops, (h) => h.traceId);
  const spansByTrace = groupBy(spans, (s) => s.traceId);
  const accepts: Seen[] = [];
  const completes: Seen[] = [];
  for (const [traceId, root] of roots) {
    const traceHops = hopsByTrace.get(traceId) ?? [];
    accepts.push(seen(root.service, traceHops.filter((h) => h.startMs >= root.startMs && h.endMs <= root.endMs && h.type === 'call')));
    const done = (spansByTrace.get(traceId) ?? [])
      .filter((s) => s.service === completion && (s.kind === 'server' || s.kind === 'consumer'))
      .reduce<ObservedSpan | undefined>((last, s) => (!last || s.endMs > last.endMs ? s : last), undefined);
    if (done) completes.push(seen(root.service, traceHops.filter((h) => h.startMs >= root.startMs && h.startMs <= done.endMs)));
  }
  return {
    count: roots.size,
    traceIds: new Set(roots.keys()),
    accept: milestone(accepts, up),
    complete: milestone(completes, up),
  };
}

interface Seen {
  readonly syncHops: number;
  readonly parts: ReadonlySet<string>;
}

function seen(entryService: string, hops: readonly Hop[]): Seen {
  const parts = new Set([entryService]);
  let syncHops = 0;
  for (const h of hops) {
    switch (h.type) {
      case 'call':
        syncHops += 1;
        parts.add(h.from).add(h.to);
        break;
      case 'publish':
      case 'consume':
        parts.add(h.service).add(h.broker);
        break;
      case 'entry':
        parts.add(h.service);
        break;
    }
  }
  return { syncHops, parts };
}

function milestone(seen: readonly Seen[], up: number): Milestone | null {
  if (seen.length === 0) return null;
  const hops = seen.map((s) => s.syncHops).sort((a, b) => a - b);
  const votes = new Map<string, number>();
  for (const s of seen) for (const p of s.parts) votes.set(p, (votes.get(p) ?? 0) + 1);
  // A majority rather than the union: one order that happened to refresh a key should not make its
  // service a requirement of every order.
  const required = [...votes].filter(([, n]) => n * 2 >= seen.length).map(([p]) => p).sort();
  return { syncHops: median(hops), required, availability: up ** required.length };
}

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const attr = (s: ObservedSpan, key: string): string | undefined => (s.attributes[key] === undefined ? undefined : String(s.attributes[key]));

