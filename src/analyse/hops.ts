import type { ObservedSpan } from '../platform/observed-span.ts';

/**
 * One interaction between two parties, whatever recorded it. The analysis reads hops, not spans,
 * so that a call seen from both ends (client and server span) counts once.
 */
export type Hop =
  | { readonly type: 'entry'; readonly traceId: string; readonly service: string; readonly method: string; readonly route: string; readonly status: string; readonly startMs: number; readonly endMs: number }
  | { readonly type: 'call'; readonly traceId: string; readonly from: string; readonly to: string; readonly method: string; readonly route: string; readonly status: string; readonly startMs: number; readonly endMs: number }
  | { readonly type: 'publish'; readonly traceId: string; readonly service: string; readonly subject: string; readonly broker: string; readonly startMs: number; readonly endMs: number }
  | { readonly type: 'consume'; readonly traceId: string; readonly service: string; readonly subject: string; readonly durable: string; readonly broker: string; readonly startMs: number; readonly endMs: number };

/** Who calls the system from outside: the user, a load generator. */
export const OUTSIDE = 'client';

const text = (span: ObservedSpan, key: string): string | undefined => {
  const v = span.attributes[key];
  return v === undefined ? undefined : String(v);
};
const methodOf = (s: ObservedSpan): string => text(s, 'http.request.method') ?? text(s, 'http.method') ?? s.name.split(' ')[0] ?? '';
// http.route is what we write; url.template is the client-side name in newer semantic conventions.
const routeOf = (s: ObservedSpan): string => text(s, 'http.route') ?? text(s, 'url.template') ?? s.name.split(' ')[1] ?? s.name;
// The answer as a user reads it: the HTTP status, else the error type (a timeout has no status).
const statusOf = (s: ObservedSpan): string => text(s, 'http.response.status_code') ?? text(s, 'error.type') ?? (s.error ? 'error' : '');
const subjectOf = (s: ObservedSpan): string => text(s, 'messaging.destination.name') ?? text(s, 'messaging.destination') ?? s.name;
const brokerOf = (s: ObservedSpan): string => text(s, 'messaging.system') ?? 'broker';

/**
 * Spans → hops. A server span is the far end of a client span when its parent is that client span,
 * or when both share a parent (the caller forwarded its own traceparent) and the client names the
 * server's service as `peer.service`. A server span with no recorded caller is an entry from outside.
 */
export function hopsOf(spans: readonly ObservedSpan[]): Hop[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const clients = spans.filter((s) => s.kind === 'client');
  const answered = new Set<ObservedSpan>();
  const hops: Hop[] = [];

  for (const c of clients) {
    const to = text(c, 'peer.service') ?? text(c, 'server.address') ?? 'unknown';
    hops.push({ type: 'call', traceId: c.traceId, from: c.service, to, method: methodOf(c), route: routeOf(c), status: statusOf(c), startMs: c.startMs, endMs: c.endMs });
  }
  for (const s of spans) {
    switch (s.kind) {
      case 'server': {
        const parent = s.parentSpanId === undefined ? undefined : byId.get(s.parentSpanId);
        if (parent?.kind === 'client') break;
        const sibling = clients.find(
          (c) => !answered.has(c) && c.traceId === s.traceId && c.parentSpanId === s.parentSpanId &&
            text(c, 'peer.service') === s.service && methodOf(c) === methodOf(s) && c.startMs <= s.startMs && s.endMs <= c.endMs,
        );
        if (sibling) {
          answered.add(sibling);
          break;
        }
        const base = { traceId: s.traceId, method: methodOf(s), route: routeOf(s), status: statusOf(s), startMs: s.startMs, endMs: s.endMs };
        if (parent && parent.service !== s.service) hops.push({ type: 'call', from: parent.service, to: s.service, ...base });
        else if (!parent) hops.push({ type: 'entry', service: s.service, ...base });
        break;
      }
      case 'producer':
        hops.push({ type: 'publish', traceId: s.traceId, service: s.service, subject: subjectOf(s), broker: brokerOf(s), startMs: s.startMs, endMs: s.endMs });
        break;
      case 'consumer': {
        const durable = text(s, 'messaging.consumer.group.name') ?? text(s, 'messaging.destination.subscription.name') ?? s.service;
        hops.push({ type: 'consume', traceId: s.traceId, service: s.service, subject: subjectOf(s), durable, broker: brokerOf(s), startMs: s.startMs, endMs: s.endMs });
        break;
      }
      case 'client':
      case 'internal':
        break;
    }
  }
  return hops;
}
