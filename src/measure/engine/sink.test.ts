import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { now } from './clock.ts';
import { createJsonClient } from './http-client.ts';
import type { JsonClient } from './http-client.ts';
import { startSink } from './sink.ts';
import type { DeliverySink } from './sink.ts';

let sink: DeliverySink;
let client: JsonClient;

beforeEach(async () => {
  sink = await startSink();
  client = createJsonClient({ baseUrl: sink.url, connections: 2 });
});

afterEach(async () => {
  await client.close();
  await sink.close();
});

const deliver = (body: unknown) => client.request({ method: 'POST', path: '/deliveries', body });

describe('delivery sink', () => {
  it('answers 204 and stamps the receive time on the engine clock, by orderId', async () => {
    const before = now();
    const res = await deliver({ orderId: 'o-1', type: 'order.paid' });
    const after = now();
    expect(res.status).toBe(204);
    const at = sink.receivedAt('o-1');
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(after);
    expect(sink.delivery('o-1')).toMatchObject({ orderId: 'o-1', type: 'order.paid' });
    expect(sink.receivedAt('o-2')).toBeUndefined();
    expect(sink.count).toBe(1);
  });

  it('resolves waitFor once every awaited order has been delivered', async () => {
    const waiting = sink.waitFor(['a', 'b', 'c'], 5_000);
    await deliver({ orderId: 'a', type: 't' });
    await deliver({ orderId: 'c', type: 't' });
    await deliver({ orderId: 'b', type: 't' });
    expect(await waiting).toEqual({ ok: true });
  });

  it('reports the orders still missing when waitFor times out', async () => {
    await deliver({ orderId: 'a', type: 't' });
    expect(await sink.waitFor(['a', 'b'], 50)).toEqual({ ok: false, missing: ['b'] });
  });

  it('keeps the first delivery of an order and counts repeats as duplicates', async () => {
    await deliver({ orderId: 'a', type: 't' });
    const first = sink.receivedAt('a');
    await deliver({ orderId: 'a', type: 't' });
    expect(sink.receivedAt('a')).toBe(first);
    expect({ count: sink.count, total: sink.total, duplicates: sink.duplicates }).toEqual({
      count: 1,
      total: 2,
      duplicates: 1,
    });
  });

  it('answers 400 to a body that is not JSON or has no orderId, and records nothing', async () => {
    const raw = await fetch(`${sink.url}/deliveries`, { method: 'POST', body: '{not json' });
    expect(raw.status).toBe(400);
    expect((await deliver({ type: 'order.paid' })).status).toBe(400);
    expect((await deliver([1, 2])).status).toBe(400);
    expect(sink.total).toBe(0);
  });

  it('answers 404 elsewhere and 405 to other methods', async () => {
    expect((await client.request({ method: 'POST', path: '/other', body: { orderId: 'a' } })).status).toBe(404);
    expect((await client.request({ method: 'GET', path: '/deliveries' })).status).toBe(405);
  });

  it('fails the next n deliveries with 503 so retries can be tested, then records the retry', async () => {
    sink.failNext(2);
    const statuses = [];
    for (let attempt = 0; attempt < 3; attempt++) statuses.push((await deliver({ orderId: 'r', type: 't' })).status);
    expect(statuses).toEqual([503, 503, 204]);
    expect(sink.total).toBe(1);
    expect(sink.receivedAt('r')).toBeDefined();
  });

  it('tells onDelivery listeners about each first delivery', async () => {
    const seen: string[] = [];
    const off = sink.onDelivery((d) => seen.push(d.orderId));
    await deliver({ orderId: 'x', type: 't' });
    await deliver({ orderId: 'x', type: 't' });
    off();
    await deliver({ orderId: 'y', type: 't' });
    expect(seen).toEqual(['x']);
  });
  it('without bodies kept, still has each delivery once with its time, and the body is empty', async () => {
    const lean = await startSink({ keepBodies: false });
    const leanClient = createJsonClient({ baseUrl: lean.url, connections: 1 });
    try {
      const heard: unknown[] = [];
      lean.onDelivery((d) => heard.push(d.body));
      await leanClient.request({ method: 'POST', path: '/deliveries', body: { orderId: 'o-9', type: 'order.paid', total: 1200 } });
      expect(lean.receivedAt('o-9')).toBeTypeOf('number');
      expect(lean.delivery('o-9')).toMatchObject({ orderId: 'o-9', type: 'order.paid', body: {} });
      expect(heard).toEqual([{ orderId: 'o-9', type: 'order.paid', total: 1200 }]); // listeners still get it whole
    } finally {
      await leanClient.close();
      await lean.close();
    }
  });
});
