import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkerToken, checkInvariants, collectState, renderAnomalies, settle, type CollectOptions } from '../src/analyse/index.ts';
import { silentChannel } from '../src/runtime/delivery/log.ts';
import { launchSystem, type LaunchedSystem } from '../src/runtime/launch.ts';
import type { PrivatePostgres } from '../src/runtime/postgres-server.ts';
import { cheapHasher } from './support/builders.ts';
import { eventually } from './support/nats.ts';
import { call, type Reply } from './support/system.ts';

const SERVICE_SECRET = 'a-known-service-secret-for-the-postgres-outage-test-0123';

interface Customer {
  readonly id: string;
  readonly token: string;
}

/**
 * A collaboration system (relays, consumers and HTTP all on PostgreSQL) whose private PostgreSQL is
 * stopped under it and started again: requests that need the database answer 503 with Retry-After
 * meanwhile, the services come back without a restart, and nothing acknowledged is lost.
 */
describe('a running system whose PostgreSQL stops and comes back', () => {
  let system: LaunchedSystem;
  let postgres: PrivatePostgres;
  let collect: CollectOptions;
  const told = { acknowledgedOrders: [] as { userId: string; orderId: string }[], acknowledgedDeposits: [] as { userId: string; amount: number }[] };
  const customers: Customer[] = [];

  const placeOrder = (who: Customer, amount: number): Promise<Reply> => call(system.url, 'POST', '/orders', { token: who.token, json: { amount } });
  const acknowledged = (who: Customer, reply: Reply) => {
    if (reply.status === 201) told.acknowledgedOrders.push({ userId: who.id, orderId: reply.body.id as string });
    return reply;
  };

  beforeAll(async () => {
    system = await launchSystem({
      style: 'collaboration',
      store: { kind: 'postgres' },
      serviceSecret: SERVICE_SECRET,
      delivery: silentChannel,
      hasher: cheapHasher,
      logLevel: 'fatal',
    });
    if (!system.postgres) throw new Error('launchSystem started no private PostgreSQL');
    postgres = system.postgres;
    for (const name of ['dana', 'eli']) {
      const email = `${name}-${Math.random().toString(36).slice(2)}@example.com`;
      const registered = await call(system.url, 'POST', '/auth/register', { json: { email, password: 'long-enough-pw', name } });
      const login = await call(system.url, 'POST', '/auth/login', { json: { email, password: 'long-enough-pw' } });
      const customer = { id: registered.body.id as string, token: login.body.accessToken as string };
      await eventually(async () => (await call(system.url, 'GET', '/billing/account', { token: customer.token })).status === 200, { what: 'the account' });
      expect((await call(system.url, 'POST', '/billing/account/deposits', { token: customer.token, json: { amount: 10_000 } })).status).toBe(201);
      told.acknowledgedDeposits.push({ userId: customer.id, amount: 10_000 });
      customers.push(customer);
    }
    collect = { baseUrl: system.url, services: system.services, serviceToken: await checkerToken(SERVICE_SECRET), users: customers };
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('answers 503 database-unavailable with Retry-After while it is down, 201 again once it is back, and loses nothing', async () => {
    const [dana, eli] = customers as [Customer, Customer];
    expect(acknowledged(dana, await placeOrder(dana, 1_000)).status).toBe(201);

    await postgres.halt();
    const whileDown = await placeOrder(dana, 2_000);
    const depositWhileDown = await call(system.url, 'POST', '/billing/account/deposits', { token: eli.token, json: { amount: 500 } });

    for (const reply of [whileDown, depositWhileDown]) {
      expect(reply.status).toBe(503);
      expect(reply.contentType).toBe('application/problem+json');
      expect(reply.body).toMatchObject({ type: '/problems/database-unavailable', status: 503 });
      expect(reply.headers.get('retry-after')).toBe('2');
      expect(reply.text).not.toMatch(/at .*\.ts:\d+/);
    }

    await postgres.start();
    // No service restarted: their pools connect anew on the next request.
    const back = await eventually(async () => {
      const reply = acknowledged(eli, await placeOrder(eli, 3_000));
      return reply.status === 201 ? reply : undefined;
    }, { what: 'an order accepted once PostgreSQL is back', timeoutMs: 15_000 });
    expect(back.status).toBe(201);
    expect(acknowledged(dana, await placeOrder(dana, 20_000)).status).toBe(201);

    const state = await settle(() => collectState(collect), { timeoutMs: 20_000 });
    const anomalies = checkInvariants(state, told);
    expect(anomalies, renderAnomalies(anomalies)).toEqual([]);
    expect(told.acknowledgedOrders).toHaveLength(3);
  }, 90_000);
});
