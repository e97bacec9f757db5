import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES, type ServiceName } from '../src/model/style.ts';
import { call, expectProblem, rawGet, startRestSystem, type TestSystem } from './support/system.ts';

/** The public operations each service documents, as "method path". */
const PUBLIC_OPERATIONS: Record<ServiceName, readonly string[]> = {
  auth: ['post /auth/register', 'post /auth/login', 'get /auth/me'],
  billing: ['get /billing/account', 'post /billing/account/deposits'],
  order: ['post /orders', 'get /orders', 'get /orders/{id}'],
  notification: ['get /notifications'],
};

describe('HTTP gateway and service endpoints', () => {
  let ts: TestSystem;
  beforeAll(async () => {
    ts = await startRestSystem();
  });
  afterAll(() => ts?.stop());

  it('GET /health - answers 200 {status: ok, style: rest, services} with every service up', async () => {
    const res = await ts.call('GET', '/health');

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', style: 'rest' });
    expect(Object.keys(res.body.services).sort()).toEqual([...SERVICES].sort());
    for (const service of SERVICES) expect(res.body.services[service]).toMatchObject({ status: 'up', service });
  });

  it.each([
    ['GET', '/internal/users/someone'],
    ['POST', '/internal/accounts'],
    ['POST', '/internal/payments'],
    ['GET', '/internal/payments/some-order'],
    ['GET', '/internal/orders/some-order'],
    ['POST', '/internal/notifications'],
  ])('%s %s - is not reachable through the gateway: 404', async (method, path) => {
    const res = await ts.call(method, path, method === 'POST' ? { json: {} } : {});

    expectProblem(res, 404, 'not-found');
  });

  it('GET /metrics?format=json - sums every service’s counters, each labelled with its service', async () => {
    await ts.call('GET', '/health');
    const res = await ts.call('GET', '/metrics?format=json');

    expect(res.status).toBe(200);
    const served = (res.body as { name: string; values: { labels: { service?: string } }[] }[]).find((m) => m.name === 'interplay_http_server_requests_total');
    expect(new Set(served?.values.map((v) => v.labels.service))).toEqual(new Set(SERVICES));
  });

  it('an unknown public path answers 404 problem+json', async () => {
    expectProblem(await ts.call('GET', '/no/such/thing'), 404, 'not-found');
    expectProblem(await ts.call('DELETE', '/orders/some-id'), 404, 'not-found');
  });

  it.each([
    '/orders/../internal/orders/x',
    '/orders/%2e%2e/internal/orders/x',
    '/auth/..%2Finternal%2Fusers%2Fx',
  ])('a path with dot segments (%s) is refused with a 4xx and reaches no internal route', async (path) => {
    const res = await rawGet(ts.url, path);

    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.text).not.toMatch(/"version"|"email"/);
  });

  it.each([
    ['a path with dot segments', '/orders/../internal/orders/x'],
    ['a malformed percent-encoding', '/orders/%ZZ'],
  ])("the gateway's own refusals are problem+json too: %s answers 400", async (_label, path) => {
    expectProblem(await rawGet(ts.url, path), 400, 'invalid-input');
  });

  it("a service's own port answers a malformed percent-encoding with 400 problem+json", async () => {
    const res = await ts.system.apps.order.inject({ method: 'GET', url: '/orders/%ZZ' });

    expectProblem({ status: res.statusCode, contentType: String(res.headers['content-type']).split(';')[0] ?? '', text: res.body }, 400, 'invalid-input');
  });

  it.each(SERVICES)("GET /openapi.json on the %s service's own port lists its public routes", async (service) => {
    const res = await call(ts.system.services[service], 'GET', '/openapi.json');

    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    const operations = Object.entries(res.body.paths as Record<string, object>).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    expect(operations).toEqual(expect.arrayContaining([...PUBLIC_OPERATIONS[service]]));
    expect(operations.filter((o) => / \/(health|metrics|openapi\.json)$/.test(o))).toEqual([]);
  });

  it.each(SERVICES)("GET /health on the %s service's own port answers up", async (service) => {
    const res = await call(ts.system.services[service], 'GET', '/health');

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'up', service });
  });
});
