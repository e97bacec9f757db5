import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declaredAssertions, loadCollection, requestsOf, runCollection, type CollectionRun, type PostmanCollection } from '../src/docs/postman.ts';
import { silentChannel } from '../src/runtime/delivery/log.ts';
import { startSystem, type RunningSystem } from '../src/runtime/system.ts';

/** How many reads see the unsettled state before the settled one; Infinity never settles. */
interface Lag {
  readonly account: number;
  readonly order: number;
  readonly notification: number;
  /** GET /notifications gets no answer at all: the connection is dropped */
  readonly dropNotifications?: boolean;
}

interface LaggingGateway {
  /** host:port, as the collection's baseUrl takes it */
  readonly host: string;
  close(): Promise<void>;
}

/**
 * A proxy in front of the RESTful system that answers as an event style would: POST /orders
 * answers 202 with a pending order, and the account, the order's outcome and its notification
 * show up only after a few reads. It lets the collection's polls run before those styles exist.
 */
async function laggingGateway(target: string, lag: Lag): Promise<LaggingGateway> {
  const accountReads = new Map<string, number>();
  const orderReads = new Map<string, number>();
  const hiddenReads = new Map<string, number>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const token = req.headers.authorization ?? '';
    const send = (status: number, type: string, body: unknown) =>
      res.writeHead(status, { 'content-type': type }).end(typeof body === 'string' ? body : JSON.stringify(body));

    if (lag.dropNotifications && req.url === '/notifications') return void req.socket.destroy();
    if (req.method === 'GET' && req.url === '/billing/account') {
      const reads = accountReads.get(token) ?? 0;
      accountReads.set(token, reads + 1);
      if (reads < lag.account) {
        return send(404, 'application/problem+json', { type: '/problems/not-found', title: 'Not found', status: 404 });
      }
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)),
    ) as Record<string, string>;
    const upstream = await fetch(target + req.url, {
      method: req.method,
      headers,
      body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
    });
    const type = upstream.headers.get('content-type') ?? 'application/json';
    const text = await upstream.text();
    const orderId = /^\/orders\/([^/?]+)$/.exec(req.url ?? '')?.[1];

    if (req.method === 'POST' && req.url === '/orders' && upstream.status === 201) {
      const order = JSON.parse(text) as { id: string; status: string };
      orderReads.set(order.id, 0);
      hiddenReads.set(order.id, lag.notification);
      return send(202, type, { ...order, status: 'pending' });
    }
    if (req.method === 'GET' && orderId && upstream.status === 200) {
      const reads = orderReads.get(orderId) ?? Infinity;
      orderReads.set(orderId, reads + 1);
      if (reads < lag.order) return send(200, type, { ...(JSON.parse(text) as object), status: 'pending' });
    }
    if (req.method === 'GET' && req.url === '/notifications' && upstream.status === 200) {
      const all = JSON.parse(text) as { orderId: string }[];
      const shown = all.filter((n) => (hiddenReads.get(n.orderId) ?? 0) <= 0);
      for (const [id, left] of hiddenReads) if (left > 0) hiddenReads.set(id, left - 1);
      return send(200, type, shown);
    }
    return send(upstream.status, type, text);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => res.writeHead(502).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const explain = (run: CollectionRun) =>
  JSON.stringify({ failures: run.failures, notRun: run.notRun, assertions: run.assertions, declared: run.declaredAssertions });

describe('postman/course.postman_collection.json', () => {
  let system: RunningSystem;
  let collection: PostmanCollection;

  beforeAll(async () => {
    collection = await loadCollection();
    system = await startSystem({ style: 'rest', delivery: silentChannel });
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('collection - is Postman v2.1 with every URL on http://{{baseUrl}}, which defaults to arch.homework', () => {
    expect(collection.info.schema).toBe('https://schema.getpostman.com/json/collection/v2.1.0/collection.json');
    expect(collection.variable?.find((v) => v.key === 'baseUrl')?.value).toBe('arch.homework');
    const requests = requestsOf(collection);
    expect(new Set(requests.map((r) => r.name)).size, 'request names must be unique for setNextRequest').toBe(requests.length);
    for (const r of requests) {
      const url = typeof r.request?.url === 'string' ? r.request.url : r.request?.url.raw;
      expect(url, r.name).toMatch(/^http:\/\/\{\{baseUrl\}\}\//);
      expect(r.event?.some((e) => e.listen === 'test'), `${r.name} has no tests`).toBe(true);
    }
  });

  it('course - every request runs and every declared assertion passes against the RESTful system', async () => {
    const run = await runCollection({ baseUrl: new URL(system.url).host });
    expect(run.failures, explain(run)).toEqual([]);
    expect(run.notRun, explain(run)).toEqual([]);
    expect(run.assertions.failed).toBe(0);
    expect(run.assertions.total).toBe(declaredAssertions(collection));
    expect(run.requestsSent).toBe(requestsOf(collection).length);
    expect(run.ok).toBe(true);
  });

  it('course - polls until an event-style answer settles, and still asserts exactly as declared', async () => {
    const gateway = await laggingGateway(system.url, { account: 3, order: 2, notification: 2 });
    try {
      const run = await runCollection({ baseUrl: gateway.host, variables: { pollDelayMs: '20' } });
      expect(run.failures, explain(run)).toEqual([]);
      expect(run.assertions.total).toBe(declaredAssertions(collection));
      // 3 more reads of the account, 2 more of each order and of each order's notifications
      expect(run.requestsSent).toBe(requestsOf(collection).length + 3 + 2 * 2 + 2 * 2);
      expect(run.ok).toBe(true);
    } finally {
      await gateway.close();
    }
  });

  it('course - a poll gives up after maxPollAttempts and the run fails on the unsettled order', async () => {
    const gateway = await laggingGateway(system.url, { account: 0, order: Infinity, notification: 0 });
    try {
      const run = await runCollection({ baseUrl: gateway.host, variables: { maxPollAttempts: '3', pollDelayMs: '10' } });
      expect(run.ok).toBe(false);
      expect(run.assertions.total).toBe(declaredAssertions(collection));
      expect(run.failures.join('\n')).toMatch(/the order is paid/);
      expect(run.failures.join('\n')).toMatch(/the order is rejected/);
      expect(run.requestsSent).toBe(requestsOf(collection).length + 2 * 2);
    } finally {
      await gateway.close();
    }
  });

  it('course - a request that gets no answer is asserted on at once, not polled again', async () => {
    const gateway = await laggingGateway(system.url, { account: 0, order: 0, notification: 0, dropNotifications: true });
    try {
      const run = await runCollection({ baseUrl: gateway.host, variables: { pollDelayMs: '10' } });
      expect(run.ok).toBe(false);
      expect(run.assertions.total).toBe(declaredAssertions(collection));
      expect(run.failures.join('\n')).toMatch(/exactly one order\.paid notification/);
      expect(run.requestsSent).toBe(requestsOf(collection).length);
    } finally {
      await gateway.close();
    }
  });
});
