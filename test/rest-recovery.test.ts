import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkerToken, checkInvariants, collectState, renderAnomalies, settle } from '../src/analyse/index.ts';
import { silentChannel } from '../src/runtime/delivery/log.ts';
import { startSystem, type RunningSystem } from '../src/runtime/system.ts';
import { cheapHasher } from './support/builders.ts';
import { withDatabase } from './support/databases.ts';
import { eventually } from './support/nats.ts';
import { call } from './support/system.ts';

const SERVICE_SECRET = 'a-known-service-secret-for-the-recovery-test-0123456789';
/** well past the sweep's grace period (5 s), so the first pass takes the orders */
const LONG_AGO_MS = 60_000;

/**
 * A crash in the RESTful style leaves what no broker redelivers. The state a crash leaves is made
 * here directly in the services' databases, and the order service's recovery sweep must finish it.
 */
describe('the RESTful recovery sweep', () => {
  let system: RunningSystem;
  let user: { id: string; token: string };
  let serviceToken: string;

  beforeAll(async () => {
    system = await startSystem({ style: 'rest', serviceSecret: SERVICE_SECRET, delivery: silentChannel, hasher: cheapHasher, logLevel: 'fatal' });
    const email = `sweep-${Math.random().toString(36).slice(2)}@example.com`;
    const registered = await call(system.url, 'POST', '/auth/register', { json: { email, password: 'long-enough-pw', name: 'Sweep' } });
    const login = await call(system.url, 'POST', '/auth/login', { json: { email, password: 'long-enough-pw' } });
    user = { id: registered.body.id as string, token: login.body.accessToken as string };
    expect((await call(system.url, 'POST', '/billing/account/deposits', { token: user.token, json: { amount: 10_000 }, headers: { 'idempotency-key': 'd1' } })).status).toBe(201);
    serviceToken = await checkerToken(SERVICE_SECRET);
  });
  afterAll(() => system?.stop());

  /** an order row as order's POST /orders writes it, placed long ago, in `status` */
  const anOrderRow = (id: string, amount: number, status: 'pending' | 'paid') =>
    withDatabase(system, 'order', (db) => {
      const at = Date.now() - LONG_AGO_MS;
      db.prepare(
        `INSERT INTO orders (id, user_id, amount, items, status, version, idempotency_key, fingerprint, created_at, updated_at, settled_at)
         VALUES (?, ?, ?, NULL, ?, ?, NULL, 'made-by-the-test', ?, ?, NULL)`,
      ).run(id, user.id, amount, status, status === 'pending' ? 1 : 2, at, at);
    });
  const chargeAtBilling = async (orderId: string, amount: number) => {
    const paid = await call(system.services.billing, 'POST', '/internal/payments', { token: serviceToken, json: { orderId, userId: user.id, amount } });
    expect(paid.body).toMatchObject({ orderId, status: 'paid' });
  };

  it('settles orders a crash left half-way: charged but pending is paid, never charged is refused without a charge, paid but never told is told', async () => {
    // Charged at billing, then the order service died before it applied the outcome.
    await chargeAtBilling('charged-not-applied', 3_000);
    anOrderRow('charged-not-applied', 3_000, 'pending');
    // The order service died before it called billing at all: its client saw an error, so it is not charged now.
    anOrderRow('never-charged', 2_000, 'pending');
    anOrderRow('never-affordable', 1_000_000, 'pending');
    // Paid and applied, then notification was down.
    await chargeAtBilling('paid-not-told', 1_000);
    anOrderRow('paid-not-told', 1_000, 'paid');

    const status = async (id: string) => (await call(system.url, 'GET', `/orders/${id}`, { token: user.token })).body?.status as string;
    await eventually(async () => (await status('never-charged')) === 'rejected' && (await status('charged-not-applied')) === 'paid', {
      timeoutMs: 20_000,
      what: 'the swept orders settled',
    });
    const read = () =>
      collectState({ baseUrl: system.url, services: system.services, serviceToken, users: [user] });
    const state = await settle(read, { timeoutMs: 20_000 });

    const anomalies = checkInvariants(state, { acknowledgedDeposits: [{ userId: user.id, amount: 10_000, idempotencyKey: 'd1' }] });
    expect(anomalies, renderAnomalies(anomalies)).toEqual([]);
    const [mine] = state.users;
    // Charged once each: 10 000 − 3 000 − 1 000; the refused and the unaffordable order moved nothing.
    expect(mine?.balance).toBe(6_000);
    expect(Object.fromEntries(mine?.orders.map((o) => [o.id, o.status]) ?? [])).toEqual({
      'charged-not-applied': 'paid',
      'never-charged': 'rejected',
      'never-affordable': 'rejected',
      'paid-not-told': 'paid',
    });
    expect(mine?.notifications.map((n) => `${n.orderId} ${n.type}`).sort()).toEqual([
      'charged-not-applied order.paid',
      'never-affordable order.rejected',
      'never-charged order.rejected',
      'paid-not-told order.paid',
    ]);
  });
});
