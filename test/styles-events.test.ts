import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notification } from '../src/services/notification/index.ts';
import { startSystem, type RunningSystem } from '../src/runtime/system.ts';
import { runCourseScenario } from '../src/scenarios/course.ts';
import { apiClient } from '../src/scenarios/http.ts';
import { SERVICES } from '../src/model/style.ts';
import { eventually, setupNats, type TestNats } from './support/nats.ts';

/** service-to-service HTTP requests so far, summed over every caller, by "caller→target route" */
async function serviceCalls(system: RunningSystem): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const service of SERVICES) {
    for (const v of (await system.metrics[service].clientRequests.get()).values) {
      const key = `${service}→${v.labels.target} ${v.labels.method} ${v.labels.route}`;
      calls.set(key, (calls.get(key) ?? 0) + v.value);
    }
  }
  return calls;
}

function delta(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, n] of after) if (n - (before.get(key) ?? 0) > 0) out[key] = n - (before.get(key) ?? 0);
  return out;
}

async function health(system: RunningSystem, service: string): Promise<any> {
  return (await fetch(`${system.services[service as 'billing']}/health`)).json();
}

describe.each(['notification', 'collaboration'] as const)('the %s style', (style) => {
  let nats: TestNats;
  let system: RunningSystem;
  const delivered: Notification[] = [];
  const api = () => apiClient(system.url);

  async function fundedUser(amount: number): Promise<string> {
    const a = api();
    const email = `u-${Math.random().toString(36).slice(2)}@example.com`;
    expect((await a.call('POST', '/auth/register', { body: { email, password: 'long-enough-pw', name: 'U' } })).status).toBe(201);
    const token = (await a.call('POST', '/auth/login', { body: { email, password: 'long-enough-pw' } })).body.accessToken as string;
    await eventually(async () => (await a.call('GET', '/billing/account', { token })).status === 200, { what: 'the account' });
    expect((await a.call('POST', '/billing/account/deposits', { token, body: { amount } })).status).toBe(201);
    return token;
  }

  async function settledOrder(token: string, amount: number): Promise<{ id: string; status: string }> {
    const placed = await api().call('POST', '/orders', { token, body: { amount } });
    expect(placed.status).toBe(201);
    const id = placed.body.id as string;
    await eventually(() => delivered.some((n) => n.orderId === id), { what: `the notification of order ${id}` });
    return (await api().call('GET', `/orders/${id}`, { token })).body;
  }

  beforeAll(async () => {
    nats = await setupNats();
    system = await startSystem({ style, natsUrl: nats.url, delivery: { deliver: (n) => void delivered.push(n) } });
  });
  afterAll(async () => {
    await system?.stop();
    await nats?.teardown();
  });

  it('passes the course scenario', async () => {
    const result = await runCourseScenario({ baseUrl: system.url });
    expect(result.steps.filter((s) => !s.ok)).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it(
    style === 'collaboration'
      ? 'makes no service-to-service HTTP call during an order'
      : 'reads the new state back over REST at every step of an order',
    async () => {
      const token = await fundedUser(10_000);
      const before = await serviceCalls(system);
      const order = await settledOrder(token, 2_500);
      expect(order.status).toBe('paid');
      const calls = delta(before, await serviceCalls(system));
      if (style === 'collaboration') {
        expect(calls).toEqual({});
      } else {
        expect(calls).toEqual({
          'billing→order GET /internal/orders/:id': 1,
          'order→billing GET /internal/payments/:orderId': 1,
          'notification→order GET /internal/orders/:id': 1,
          'notification→auth GET /internal/users/:id': 1,
        });
      }
    },
  );

  it('charges and notifies once when order.created is delivered again', async () => {
    const token = await fundedUser(10_000);
    const order = await settledOrder(token, 4_000);
    expect(order.status).toBe('paid');
    // Replay the committed event as a relay would after the broker forgot its id (a new Nats-Msg-Id).
    const db = new Database(join(system.dataDir, 'order', 'order.sqlite'), { readonly: true });
    const row = db
      .prepare(`SELECT subject, payload FROM outbox WHERE subject LIKE '%.orders.order.created' AND payload LIKE ?`)
      .get(`%${order.id}%`) as { subject: string; payload: string };
    db.close();
    const processed = async () => (await health(system, 'billing')).consumers['billing-order-created'].processed as number;
    const before = await processed();
    await nats.js.publish(row.subject, row.payload, { msgID: `replay-${order.id}` });
    await eventually(async () => (await processed()) > before, { what: 'billing to take the replayed event' });

    const account = await api().call('GET', '/billing/account', { token });
    expect(account.body.balance).toBe(6_000);
    const mine = (await api().call('GET', '/notifications', { token })).body.filter((n: Notification) => n.orderId === order.id);
    expect(mine).toHaveLength(1);
    expect(delivered.filter((n) => n.orderId === order.id)).toHaveLength(1);
  });

  it("carries the caller's trace through every event of an order", async () => {
    const token = await fundedUser(5_000);
    const traceId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    const placed = await api().call('POST', '/orders', {
      token,
      body: { amount: 1_000 },
      headers: { traceparent: `00-${traceId}-1122334455667788-01` },
    });
    expect(placed.status).toBe(201);
    const id = placed.body.id as string;
    await eventually(() => delivered.some((n) => n.orderId === id), { what: `the notification of order ${id}` });

    const tracesOf = (service: string) => {
      const db = new Database(join(system.dataDir, service, `${service}.sqlite`), { readonly: true });
      const rows = db.prepare('SELECT subject, payload FROM outbox WHERE payload LIKE ?').all(`%${id}%`) as { subject: string; payload: string }[];
      db.close();
      return rows.map((r) => [r.subject.split('.').slice(1).join('.'), (JSON.parse(r.payload) as { traceparent?: string }).traceparent?.split('-')[1]]);
    };
    const events = [...tracesOf('order'), ...tracesOf('billing')];
    expect(events).toHaveLength(3);
    for (const [subject, trace] of events) expect(trace, subject).toBe(traceId);
  });

  it('sends a malformed event to the dead letters and goes on with the next order', async () => {
    const db = new Database(join(system.dataDir, 'order', 'order.sqlite'), { readonly: true });
    const { subject } = db.prepare(`SELECT subject FROM outbox WHERE subject LIKE '%.orders.order.created' LIMIT 1`).get() as {
      subject: string;
    };
    db.close();
    const deadBefore = (await health(system, 'billing')).deadLetters as number;
    await nats.js.publish(subject, '{"not": "an envelope"');
    await eventually(async () => (await health(system, 'billing')).deadLetters === deadBefore + 1, { what: 'the dead letter' });

    const token = await fundedUser(1_000);
    const order = await settledOrder(token, 700);
    expect(order.status).toBe('paid');
    const gateway = await (await fetch(`${system.url}/health`)).json();
    expect(gateway.services.billing.deadLetters).toBe(deadBefore + 1);
  });
});
