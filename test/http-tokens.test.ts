import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anExpiredToken,
  call,
  captureServiceToken,
  expectProblem,
  startRestSystem,
  tokenSignedByAnotherKey,
  unsignedToken,
  type TestSystem,
  type TestUser,
} from './support/system.ts';

/** Public routes that need a user token, as the gateway serves them. */
const USER_ROUTES = [
  ['GET', '/auth/me'],
  ['GET', '/billing/account'],
  ['POST', '/billing/account/deposits'],
  ['GET', '/orders'],
  ['POST', '/orders'],
  ['GET', '/orders/some-id'],
  ['GET', '/notifications'],
] as const;

describe('HTTP bearer tokens', () => {
  let ts: TestSystem;
  let user: TestUser;
  let serviceToken: string;

  beforeAll(async () => {
    ts = await startRestSystem();
    user = await ts.aFundedUser(1_000);
    // Placing an order makes the order service call billing and notification with its service token.
    serviceToken = await captureServiceToken(() => ts.call('POST', '/orders', { token: user.token, json: { amount: 100 } }));
  });
  afterAll(() => ts?.stop());

  const withBody = (method: string) => (method === 'POST' ? { json: { amount: 100 } } : {});

  it.each(USER_ROUTES)('%s %s - answers 401 with a Bearer challenge when the token is missing', async (method, path) => {
    const res = await ts.call(method, path, withBody(method));

    expectProblem(res, 401, 'unauthorized');
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it.each(USER_ROUTES)('%s %s - answers 401 to a garbage token', async (method, path) => {
    expectProblem(await ts.call(method, path, { ...withBody(method), token: 'garbage' }), 401, 'unauthorized');
  });

  it('answers 401 to an Authorization header that is not a Bearer token', async () => {
    const res = await ts.call('GET', '/billing/account', { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } });

    expectProblem(res, 401, 'unauthorized');
  });

  it('answers 401 to a token the system issued whose lifetime is over', async () => {
    const expired = await anExpiredToken(ts, user);

    const res = await ts.call('GET', '/billing/account', { token: expired });

    expectProblem(res, 401, 'unauthorized');
    expect(res.body.detail).toMatch(/expired/);
  });

  it('answers 401 to a token with the right claims signed by another key', async () => {
    const forged = await tokenSignedByAnotherKey(user.id);

    expectProblem(await ts.call('GET', '/billing/account', { token: forged }), 401, 'unauthorized');
  });

  it('answers 401 to an unsigned token (alg none)', async () => {
    expectProblem(await ts.call('GET', '/billing/account', { token: unsignedToken(user.id) }), 401, 'unauthorized');
  });

  it('a valid user token opens the public routes (control)', async () => {
    const res = await ts.call('GET', '/auth/me', { token: user.token });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: user.id, email: user.email, name: user.name });
  });

  it('a service token is refused on public routes: they need the user audience', async () => {
    expectProblem(await ts.call('GET', '/billing/account', { token: serviceToken }), 401, 'unauthorized');
  });

  it("a service token opens another service's internal routes on that service's own port (control)", async () => {
    const res = await call(ts.system.services.auth, 'GET', `/internal/users/${user.id}`, { token: serviceToken });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: user.id, email: user.email, name: user.name });
  });

  const internalRoutes = () =>
    [
      ['auth', 'GET', `/internal/users/${user.id}`, undefined],
      ['billing', 'POST', '/internal/payments', { orderId: 'o-1', userId: user.id, amount: 100 }],
      ['billing', 'POST', '/internal/accounts', { userId: user.id }],
      ['order', 'GET', '/internal/orders/o-1', undefined],
      ['notification', 'POST', '/internal/notifications', { orderId: 'o-1', userId: user.id, amount: 100, status: 'paid' }],
    ] as const;

  it("a user token is refused with 401 on every internal route, on the service's own port", async () => {
    for (const [service, method, path, json] of internalRoutes()) {
      const res = await call(ts.system.services[service], method, path, { token: user.token, json });
      expectProblem(res, 401, 'unauthorized');
    }
    // /internal/payments refused the user token: the balance is what the one order left.
    expect((await ts.call('GET', '/billing/account', { token: user.token })).body.balance).toBe(900);
  });

  it('internal routes answer 401 without a token', async () => {
    for (const [service, method, path, json] of internalRoutes()) {
      expectProblem(await call(ts.system.services[service], method, path, { json }), 401, 'unauthorized');
    }
  });
});
