import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import { checkerToken, checkInvariants, collectState, readList, renderAnomalies, settle, type CollectOptions } from '../src/analyse/index.ts';
import { silentChannel } from '../src/runtime/delivery/log.ts';
import { startSystem, type RunningSystem } from '../src/runtime/system.ts';
import { cheapHasher } from './support/builders.ts';
import { withDatabase } from './support/databases.ts';
import { eventually, setupNats, type TestNats } from './support/nats.ts';
import { call } from './support/system.ts';

const SERVICE_SECRET = 'a-known-service-secret-for-the-invariant-test-0123456789';

interface Customer {
  readonly id: string;
  readonly token: string;
}

/** what the client was answered, kept as a chaos run keeps it */
interface Told {
  readonly acknowledgedOrders: { userId: string; orderId: string }[];
  readonly acknowledgedDeposits: { userId: string; amount: number; idempotencyKey?: string }[];
  readonly keyedRequests: { userId: string; key: string; orderId: string }[];
}

describe.each(['rest', 'collaboration'] as const)('the invariant checker on a running %s system', (style) => {
  let nats: TestNats | undefined;
  let system: RunningSystem;
  let collect: CollectOptions;
  const told: Told = { acknowledgedOrders: [], acknowledgedDeposits: [], keyedRequests: [] };
  const customers: Record<'alice' | 'bob' | 'carol', Customer> = {} as never;
  let alicesKeyedOrder = '';
  let carolsOrder = '';

  async function aCustomer(name: string): Promise<Customer> {
    const email = `${name}-${Math.random().toString(36).slice(2)}@example.com`;
    const registered = await call(system.url, 'POST', '/auth/register', { json: { email, password: 'long-enough-pw', name } });
    expect(registered.status).toBe(201);
    const login = await call(system.url, 'POST', '/auth/login', { json: { email, password: 'long-enough-pw' } });
    const customer = { id: registered.body.id as string, token: login.body.accessToken as string };
    // In the event styles the account is opened a moment after registration.
    await eventually(async () => (await call(system.url, 'GET', '/billing/account', { token: customer.token })).status === 200, { what: 'the account' });
    return customer;
  }

  async function aDeposit(who: Customer, amount: number, idempotencyKey?: string): Promise<void> {
    const headers = idempotencyKey === undefined ? undefined : { 'idempotency-key': idempotencyKey };
    expect((await call(system.url, 'POST', '/billing/account/deposits', { token: who.token, json: { amount }, headers })).status).toBe(201);
    told.acknowledgedDeposits.push({ userId: who.id, amount, ...(idempotencyKey === undefined ? {} : { idempotencyKey }) });
  }

  async function anOrder(who: Customer, amount: number, key?: string): Promise<string> {
    const headers = key === undefined ? undefined : { 'idempotency-key': key };
    const placed = await call(system.url, 'POST', '/orders', { token: who.token, json: { amount }, headers });
    expect(placed.status).toBe(201);
    const orderId = placed.body.id as string;
    told.acknowledgedOrders.push({ userId: who.id, orderId });
    if (key !== undefined) told.keyedRequests.push({ userId: who.id, key, orderId });
    return orderId;
  }

  const read = () => collectState(collect);

  beforeAll(async () => {
    nats = style === 'rest' ? undefined : await setupNats();
    system = await startSystem({ style, natsUrl: nats?.url, serviceSecret: SERVICE_SECRET, delivery: silentChannel, hasher: cheapHasher, logLevel: 'fatal' });
    customers.alice = await aCustomer('alice');
    customers.bob = await aCustomer('bob');
    customers.carol = await aCustomer('carol');
    collect = {
      baseUrl: system.url,
      services: system.services,
      serviceToken: await checkerToken(SERVICE_SECRET),
      users: Object.values(customers),
    };

    const { alice, bob, carol } = customers;
    await aDeposit(alice, 10_000, 'alice-deposit-1');
    await aDeposit(alice, 10_000, 'alice-deposit-1');
    await aDeposit(bob, 5_000);
    alicesKeyedOrder = await anOrder(alice, 3_000, 'alice-order-1');
    // The replay of the same key must answer the same order.
    await anOrder(alice, 3_000, 'alice-order-1');
    await anOrder(alice, 20_000);
    await anOrder(bob, 5_000);
    await anOrder(bob, 1);
    carolsOrder = await anOrder(carol, 100);
  });
  afterAll(async () => {
    await system?.stop();
    await nats?.teardown();
  });

  it('reads the settled state through the API and finds nothing wrong', async () => {
    const state = await settle(read, { timeoutMs: 20_000 });

    expect(checkInvariants(state, told), renderAnomalies(checkInvariants(state, told))).toEqual([]);
    // What Alice would see: one deposit credited once, her keyed order paid once, the unaffordable one refused.
    const alice = state.users.find((u) => u.userId === customers.alice.id);
    expect(alice).toMatchObject({
      balance: 7_000,
      deposits: [{ amount: 10_000, idempotencyKey: 'alice-deposit-1' }],
      payments: expect.arrayContaining([{ orderId: alicesKeyedOrder, amount: 3_000, status: 'paid' }]),
    });
    expect(alice?.orders.map((o) => [o.amount, o.status, o.idempotencyKey]).sort()).toEqual([
      [20_000, 'rejected', null],
      [3_000, 'paid', 'alice-order-1'],
    ]);
    expect(alice?.notifications.map((n) => n.type).sort()).toEqual(['order.paid', 'order.rejected']);
    expect(state.users.map((u) => u.orders.length)).toEqual([2, 2, 1]);
  });

  it('reads a list across pages, and the internal read routes refuse a user\'s token', async () => {
    const { alice } = customers;
    const ids = await readList(system.url, '/orders', alice.token, Type.Object({ id: Type.String() }), 1);

    const placed = new Set(told.acknowledgedOrders.filter((o) => o.userId === alice.id).map((o) => o.orderId));
    expect(ids.map((o) => o.id).sort()).toEqual([...placed].sort());
    const asUser = await call(system.services.billing, 'GET', `/internal/accounts/${alice.id}/ledger`, { token: alice.token });
    expect(asUser.status).toBe(401);
    const keysAsUser = await call(system.services.order, 'GET', `/internal/idempotency-keys/${alice.id}`, { token: alice.token });
    expect(keysAsUser.status).toBe(401);
  });

  it('reports what was broken behind the system\'s back, naming the users and orders', async () => {
    const { alice, bob, carol } = customers;
    const settled = await settle(read, { timeoutMs: 20_000 });
    const bobsPaidOrder = settled.users.find((u) => u.userId === bob.id)?.orders.find((o) => o.status === 'paid')?.id;

    if (!bobsPaidOrder) throw new Error("Bob's paid order is not in the settled state");

    withDatabase(system, 'billing', (db) => {
      // Alice charged 700 for an order that does not exist.
      db.prepare("INSERT INTO payments (order_id, user_id, amount, status, balance_after, created_at) VALUES ('ghost-order', ?, 700, 'paid', 6300, 0)").run(alice.id);
      db.prepare('UPDATE accounts SET balance = balance - 700 WHERE user_id = ?').run(alice.id);
    });
    withDatabase(system, 'notification', (db) => db.prepare('DELETE FROM notifications WHERE order_id = ?').run(bobsPaidOrder));
    withDatabase(system, 'order', (db) => {
      db.prepare('DELETE FROM orders WHERE id = ?').run(carolsOrder);
      db.prepare('UPDATE orders SET idempotency_key = NULL WHERE id = ?').run(alicesKeyedOrder);
    });

    const anomalies = checkInvariants(await read(), told);

    expect(anomalies.map((a) => a.type).sort(), renderAnomalies(anomalies)).toEqual([
      'acknowledged-order-lost',
      'idempotency-key-lost',
      'money-not-conserved',
      'notification-missing',
      'notification-without-order',
      'payment-without-order',
      'total-money-not-conserved',
    ]);
    expect(anomalies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'payment-without-order', userId: alice.id, orderId: 'ghost-order', amount: 700 }),
        expect.objectContaining({ type: 'money-not-conserved', userId: alice.id, deposited: 10_000, balance: 6_300, paid: 3_000 }),
        expect.objectContaining({ type: 'notification-missing', userId: bob.id, orderId: bobsPaidOrder, expected: 'order.paid' }),
        expect.objectContaining({ type: 'acknowledged-order-lost', userId: carol.id, orderId: carolsOrder }),
        expect.objectContaining({ type: 'notification-without-order', userId: carol.id, orderId: carolsOrder }),
        expect.objectContaining({ type: 'idempotency-key-lost', userId: alice.id, key: 'alice-order-1', orderId: alicesKeyedOrder }),
      ]),
    );
  });
});
