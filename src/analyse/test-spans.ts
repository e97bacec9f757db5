import type { ObservedSpan, SpanKindName } from '../platform/observed-span.ts';

/**
 * Hand-made spans shaped like one order's real traffic in each style (docs/ARCHITECTURE.md).
 * Times are epoch ms, so the OTel SDK takes them as such when the spans are replayed through it.
 */
export const T0 = 1_700_000_000_000;

export function aTrace(traceId = '4bf92f3577b34da6a3ce929d0e0e4736') {
  const spans: ObservedSpan[] = [];
  let next = 1;
  const span = (service: string, kind: SpanKindName, name: string, parent: ObservedSpan | undefined, start: number, end: number, attributes: ObservedSpan['attributes']): ObservedSpan => {
    const s: ObservedSpan = {
      traceId, spanId: (next++).toString(16).padStart(16, '0'), parentSpanId: parent?.spanId,
      name, kind, service, startMs: T0 + start, endMs: T0 + end, attributes, error: false,
    };
    spans.push(s);
    return s;
  };
  const http = (method: string, route: string, status: number) => ({ 'http.request.method': method, 'http.route': route, 'http.response.status_code': status });
  const msg = (subject: string, op: 'send' | 'process') => ({ 'messaging.system': 'nats', 'messaging.destination.name': subject, 'messaging.operation.type': op });
  return {
    spans,
    server: (service: string, method: string, route: string, parent: ObservedSpan | undefined, start: number, end: number, status = 200) =>
      span(service, 'server', `${method} ${route}`, parent, start, end, http(method, route, status)),
    /** a call seen from both ends; `forwarded`: the caller sent its own traceparent, so the server is the client's sibling */
    call: (from: ObservedSpan, to: string, method: string, route: string, start: number, end: number, status = 200, forwarded = false) => {
      const client = span(from.service, 'client', `${method} ${route}`, from, start, end, { ...http(method, route, status), 'peer.service': to });
      return span(to, 'server', `${method} ${route}`, forwarded ? from : client, start + 1, end - 1, http(method, route, status));
    },
    publish: (from: ObservedSpan, subject: string, start: number) => span(from.service, 'producer', `publish ${subject}`, from, start, start + 1, msg(subject, 'send')),
    consume: (service: string, durable: string, from: ObservedSpan, start: number, end: number) =>
      span(service, 'consumer', `process ${String(from.attributes['messaging.destination.name'])}`, from, start, end,
        { ...msg(String(from.attributes['messaging.destination.name']), 'process'), 'messaging.consumer.group.name': durable }),
  };
}

/** rest: order pays through billing, then notification asks auth for the contact, all before the 201. */
export function restOrder(traceId?: string): ObservedSpan[] {
  const t = aTrace(traceId);
  const gw = t.server('gateway', 'POST', '/orders', undefined, 0, 100, 201);
  const order = t.call(gw, 'order', 'POST', '/orders', 1, 99, 201);
  t.call(order, 'billing', 'POST', '/internal/payments', 10, 30, 201, true);
  const notification = t.call(order, 'notification', 'POST', '/internal/notifications', 40, 90, 201);
  t.call(notification, 'auth', 'GET', '/internal/users/:id', 50, 60);
  return t.spans;
}

/** notification: thin events, four read-backs; the 201 leaves before any of them. */
export function notificationOrder(traceId?: string): ObservedSpan[] {
  const t = aTrace(traceId);
  const gw = t.server('gateway', 'POST', '/orders', undefined, 0, 20, 201);
  const order = t.call(gw, 'order', 'POST', '/orders', 1, 19, 201);
  const created = t.publish(order, 'orders.order.created', 25);
  const billing = t.consume('billing', 'billing-order-created', created, 30, 60);
  t.call(billing, 'order', 'GET', '/internal/orders/:id', 31, 35);
  const paid = t.publish(billing, 'billing.payment.changed', 65);
  const settle = t.consume('order', 'order-payment-changed', paid, 70, 100);
  t.call(settle, 'billing', 'GET', '/internal/payments/:orderId', 71, 75);
  const changed = t.publish(settle, 'orders.order.changed', 105);
  const notify = t.consume('notification', 'notification-order-changed', changed, 110, 150);
  t.call(notify, 'order', 'GET', '/internal/orders/:id', 111, 115);
  t.call(notify, 'auth', 'GET', '/internal/users/:id', 116, 120);
  return t.spans;
}

/** collaboration: fat events; no service calls another after the gateway. */
export function collaborationOrder(traceId?: string): ObservedSpan[] {
  const t = aTrace(traceId);
  const gw = t.server('gateway', 'POST', '/orders', undefined, 0, 20, 201);
  const order = t.call(gw, 'order', 'POST', '/orders', 1, 19, 201);
  const created = t.publish(order, 'orders.order.created', 25);
  const billing = t.consume('billing', 'billing-order-created', created, 30, 40);
  const completed = t.publish(billing, 'billing.payment.completed', 45);
  const settle = t.consume('order', 'order-payment-completed', completed, 50, 60);
  const finished = t.publish(settle, 'orders.order.finished', 65);
  t.consume('notification', 'notification-order-finished', finished, 70, 80);
  return t.spans;
}
