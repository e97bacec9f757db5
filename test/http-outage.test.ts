import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aRegistration } from './support/builders.ts';
import { expectProblem, startRestSystem, type TestSystem, type TestUser } from './support/system.ts';

describe('HTTP with the billing service down', () => {
  let ts: TestSystem;
  let user: TestUser;

  beforeAll(async () => {
    ts = await startRestSystem();
    user = await ts.aUser();
    await ts.system.apps.billing.close();
  });
  afterAll(() => ts?.stop());

  it('POST /orders - answers 503 service-unavailable naming billing, with no stack trace', async () => {
    const res = await ts.call('POST', '/orders', { token: user.token, json: { amount: 1_000 }, headers: { 'idempotency-key': 'while-down' } });

    expectProblem(res, 503, 'service-unavailable');
    expect(res.body.service).toBe('billing');
  });

  it('a retry with the same Idempotency-Key answers 503 again, and the order waits, pending, for billing to return', async () => {
    const place = () => ts.call('POST', '/orders', { token: user.token, json: { amount: 2_000 }, headers: { 'idempotency-key': 'retried' } });
    await place();

    const retry = await place();

    expectProblem(retry, 503, 'service-unavailable');
    const orders = await ts.call('GET', '/orders', { token: user.token });
    expect(orders.status).toBe(200);
    expect(orders.body.filter((o: { amount: number }) => o.amount === 2_000)).toEqual([expect.objectContaining({ status: 'pending' })]);
    expect(ts.deliveries).toEqual([]);
  });

  it('POST /auth/register - answers 503 and undoes the registration, so nobody is left without an account', async () => {
    const registration = aRegistration();

    const res = await ts.call('POST', '/auth/register', { json: registration });

    expectProblem(res, 503, 'service-unavailable');
    const login = await ts.call('POST', '/auth/login', { json: { email: registration.email, password: registration.password } });
    expectProblem(login, 401, 'invalid-credentials');
  });

  it('GET /billing/account - answers 503 problem+json from the gateway', async () => {
    const res = await ts.call('GET', '/billing/account', { token: user.token });

    expectProblem(res, 503, 'service-unavailable');
    expect(res.body.service).toBe('billing');
  });

  it('GET /health - answers 503 degraded, with billing down and the others up', async () => {
    const res = await ts.call('GET', '/health');

    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({
      status: 'degraded',
      style: 'rest',
      services: { auth: { status: 'up' }, billing: { status: 'down' }, order: { status: 'up' }, notification: { status: 'up' } },
    });
  });
});
