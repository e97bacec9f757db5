import { randomUUID } from 'node:crypto';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_HASHES_METRIC } from '../src/runtime/counted-hasher.ts';
import { NO_LIMITS } from '../src/runtime/limits.ts';
import { aRegistration } from './support/builders.ts';
import { expectProblem, startRestSystem, type Reply, type TestSystem } from './support/system.ts';

/** A client on its own loopback address (Linux routes all of 127/8 to lo), so the system sees it apart. */
function clientFrom(address: string) {
  const agent = new Agent({ localAddress: address });
  return {
    async post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
      const res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
        dispatcher: agent,
      });
      const text = await res.body.text();
      const contentType = String(res.headers['content-type'] ?? '').split(';')[0] ?? '';
      return { status: res.statusCode, contentType, headers: new Headers(res.headers as Record<string, string>), text, body: text ? JSON.parse(text) : undefined };
    },
    close: () => agent.close(),
  };
}

const unknownEmail = () => `nobody-${randomUUID()}@example.com`;

/** argon2 runs auth has counted (its /metrics, operation="verify"). */
async function verifications(ts: TestSystem): Promise<number> {
  const metrics = (await (await fetch(`${ts.system.services.auth}/metrics?format=json`)).json()) as {
    name: string;
    values: { labels: Record<string, string>; value: number }[];
  }[];
  const counter = metrics.find((m) => m.name === PASSWORD_HASHES_METRIC);
  return counter?.values.find((v) => v.labels['operation'] === 'verify')?.value ?? 0;
}

/** POST /auth/login requests auth itself has answered (its /metrics), whatever their status. */
async function authLogins(ts: TestSystem): Promise<number> {
  const metrics = (await (await fetch(`${ts.system.services.auth}/metrics?format=json`)).json()) as {
    name: string;
    values: { labels: Record<string, string>; value: number }[];
  }[];
  const counter = metrics.find((m) => m.name === 'interplay_http_server_requests_total');
  return (counter?.values ?? []).filter((v) => v.labels['method'] === 'POST' && v.labels['route'] === '/auth/login').reduce((a, v) => a + v.value, 0);
}

describe('HTTP limits, with the defaults a system starts with', () => {
  let ts: TestSystem;
  beforeAll(async () => {
    ts = await startRestSystem();
  });
  afterAll(() => ts?.stop());

  it('POST /auth/login - the 6th attempt after 5 failures on an account answers 429 problem+json with Retry-After 60', async () => {
    const user = await ts.aUser();
    const client = clientFrom('127.0.0.11');
    const bad = () => client.post(`${ts.url}/auth/login`, { email: user.email, password: 'not-the-password' });
    for (let i = 0; i < 5; i++) expectProblem(await bad(), 401, 'invalid-credentials');

    const sixth = await client.post(`${ts.url}/auth/login`, { email: user.email, password: user.password });

    expectProblem(sixth, 429, 'too-many-requests');
    expect(sixth.headers.get('retry-after')).toBe('60');
    expect(sixth.body).toMatchObject({ code: 'AUTH.TOO_MANY_ATTEMPTS', retryAfterS: 60 });
    await client.close();
  });

  it('POST /auth/login - one address failing on 5 different accounts is refused on a 6th, while another address logs in', async () => {
    const attacker = clientFrom('127.0.0.12');
    const other = clientFrom('127.0.0.13');
    const user = await ts.aUser();
    for (let i = 0; i < 5; i++) expectProblem(await attacker.post(`${ts.url}/auth/login`, { email: unknownEmail(), password: 'guess' }), 401, 'invalid-credentials');

    const sixth = await attacker.post(`${ts.url}/auth/login`, { email: user.email, password: user.password });
    const elsewhere = await other.post(`${ts.url}/auth/login`, { email: user.email, password: user.password });

    expectProblem(sixth, 429, 'too-many-requests');
    expect(sixth.headers.get('retry-after')).toBe('60');
    expect(elsewhere.status).toBe(200);
    await Promise.all([attacker.close(), other.close()]);
  });

  it('POST /auth/login - an X-Forwarded-For sent by the client does not change its address: the gateway replaces it', async () => {
    const client = clientFrom('127.0.0.14');
    for (let i = 0; i < 5; i++) {
      await client.post(`${ts.url}/auth/login`, { email: unknownEmail(), password: 'guess' }, { 'x-forwarded-for': `198.51.100.${i}` });
    }

    const sixth = await client.post(`${ts.url}/auth/login`, { email: unknownEmail(), password: 'guess' }, { 'x-forwarded-for': '198.51.100.99' });

    expectProblem(sixth, 429, 'too-many-requests');
    await client.close();
  });

  it('POST /auth/login - a flood of 60 bad logins from one client runs the password hash at most 5 times; the rest are 429', async () => {
    const client = clientFrom('127.0.0.15');
    const users = await Promise.all([ts.aUser(), ts.aUser(), ts.aUser()]);
    const before = await verifications(ts);

    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => client.post(`${ts.url}/auth/login`, { email: users[i % 3]!.email, password: `guess-${i}` })),
    );

    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(55);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    expect((await verifications(ts)) - before).toBeLessThanOrEqual(5);
    await client.close();
  });

  it('POST /auth/login - once an address is blocked, the gateway refuses its logins itself with auth\'s 429, and auth sees none of them', async () => {
    const client = clientFrom('127.0.0.16');
    const [user, another] = [await ts.aUser(), await ts.aUser()];
    const bad = () => client.post(`${ts.url}/auth/login`, { email: user.email, password: 'not-the-password' });
    for (let i = 0; i < 5; i++) expectProblem(await bad(), 401, 'invalid-credentials');
    const fromAuth = await bad();
    const loginsAtAuth = await authLogins(ts);

    const atTheEdge = await Promise.all(Array.from({ length: 20 }, bad));
    const otherAccount = await client.post(`${ts.url}/auth/login`, { email: another.email, password: another.password });

    expect(await authLogins(ts)).toBe(loginsAtAuth);
    for (const answer of [fromAuth, ...atTheEdge, otherAccount]) {
      expectProblem(answer, 429, 'too-many-requests');
      expect(answer.headers.get('x-interplay-address-blocked-ms')).toBeNull();
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
    }
    const { detail: _d1, retryAfterS: _r1, ...authBody } = fromAuth.body as Record<string, unknown>;
    const { detail: _d2, retryAfterS: _r2, ...edgeBody } = atTheEdge[0]!.body as Record<string, unknown>;
    expect(edgeBody).toEqual(authBody);
    expect((atTheEdge[0]!.body as { detail: string }).detail).toMatch(/^Too many failed logins; try again in (59|60) s\.$/);
    await client.close();
  });

  it('POST /auth/login - an account blocked by another address\'s failures is refused by auth, and the address still logs in to other accounts', async () => {
    const victim = await ts.aUser();
    const other = await ts.aUser();
    const attackers = ['127.0.0.17', '127.0.0.18', '127.0.0.19', '127.0.0.20', '127.0.0.21'].map(clientFrom);
    for (const attacker of attackers) expectProblem(await attacker.post(`${ts.url}/auth/login`, { email: victim.email, password: 'wrong' }), 401, 'invalid-credentials');
    const user = clientFrom('127.0.0.22');

    expectProblem(await user.post(`${ts.url}/auth/login`, { email: victim.email, password: victim.password }), 429, 'too-many-requests');
    const next = await user.post(`${ts.url}/auth/login`, { email: other.email, password: other.password });

    expect(next.status).toBe(200);
    for (const client of [...attackers, user]) await client.close();
  });

  it('bodies over 64 KiB answer 413 problem+json, at the gateway and at a service', async () => {
    const body = JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(65 * 1024) });

    const viaGateway = await ts.call('POST', '/auth/login', { raw: body });
    const direct = await fetch(`${ts.system.services.auth}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

    expectProblem(viaGateway, 413, 'payload-too-large');
    expect(direct.status).toBe(413);
    expect(direct.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it.each(['gateway', 'order service'])('headers over 8 KiB answer 431 and URLs over 2 KiB 414, problem+json, at the %s', async (where) => {
    const base = where === 'gateway' ? ts.url : ts.system.services.order;

    const bigHeader = await fetch(`${base}/orders`, { headers: { 'x-filler': 'x'.repeat(9 * 1024) } });
    const longUrl = await fetch(`${base}/orders?cursor=${'x'.repeat(3 * 1024)}`);

    expect(bigHeader.status).toBe(431);
    expect(bigHeader.headers.get('content-type')).toBe('application/problem+json');
    expect(await bigHeader.json()).toMatchObject({ type: '/problems/headers-too-large', status: 431 });
    expect(longUrl.status).toBe(414);
    expect(await longUrl.json()).toMatchObject({ type: '/problems/uri-too-long', status: 414 });
  });

  it('a benchmark-like load never meets a default limit: 200 orders from one address for 4 users, 20 at a time, all answer 201', async () => {
    const users = await Promise.all(Array.from({ length: 4 }, () => ts.aFundedUser(1_000_000)));

    const statuses: number[] = [];
    // 20 at a time: 200 at once would wait on a loaded machine's cores, not on a limit.
    for (let batch = 0; batch < 10; batch++) {
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => ts.call('POST', '/orders', { token: users[i % 4]!.token, json: { amount: 100 } })));
      statuses.push(...answers.map((a) => a.status));
    }

    expect(statuses.filter((s) => s !== 201)).toEqual([]);
    expect(statuses).toHaveLength(200);
  });
});

describe('HTTP limits on registration and orders, set low', () => {
  let ts: TestSystem;
  beforeAll(async () => {
    ts = await startRestSystem({
      limits: {
        registerPerAddress: { max: 3, windowMs: 60_000 },
        ordersPerAddress: { max: 8, windowMs: 60_000 },
        ordersPerUser: { max: 3, windowMs: 60_000 },
      },
    });
  });
  afterAll(() => ts?.stop());

  it('POST /auth/register - the registration over the limit per address answers 429 with Retry-After; another address registers', async () => {
    const client = clientFrom('127.0.0.21');
    for (let i = 0; i < 3; i++) expect((await client.post(`${ts.url}/auth/register`, aRegistration())).status).toBe(201);

    const fourth = await client.post(`${ts.url}/auth/register`, aRegistration());
    const elsewhere = await clientFrom('127.0.0.22').post(`${ts.url}/auth/register`, aRegistration());

    expectProblem(fourth, 429, 'too-many-requests');
    expect(fourth.body).toMatchObject({ limit: 'register-per-address' });
    expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(fourth.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(elsewhere.status).toBe(201);
    await client.close();
  });

  it('POST /orders - a user over the limit per user gets 429, and another user from the same address still orders', async () => {
    // Registered from other addresses, so this test's registrations do not meet the address limit.
    const users = await Promise.all(['127.0.0.23', '127.0.0.24'].map((address) => registeredFrom(ts, address)));
    const client = clientFrom('127.0.0.25');
    const order = (token: string) => client.post(`${ts.url}/orders`, { amount: 100 }, { authorization: `Bearer ${token}` });
    for (let i = 0; i < 3; i++) expect((await order(users[0]!)).status).toBe(201);

    const fourth = await order(users[0]!);
    const other = await order(users[1]!);

    expectProblem(fourth, 429, 'too-many-requests');
    expect(fourth.body).toMatchObject({ limit: 'orders-per-user' });
    expect(fourth.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(other.status).toBe(201);
    await client.close();
  });

  it('POST /orders - an address over the limit per address gets 429 whoever the user, even without a valid token', async () => {
    const users = await Promise.all(['127.0.0.26', '127.0.0.27', '127.0.0.28'].map((address) => registeredFrom(ts, address)));
    const client = clientFrom('127.0.0.29');
    const order = (token: string) => client.post(`${ts.url}/orders`, { amount: 100 }, { authorization: `Bearer ${token}` });
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push((await order(users[i % 3]!)).status);

    const ninth = await order('not-a-token');

    expect(answers).toEqual(Array(8).fill(201));
    expectProblem(ninth, 429, 'too-many-requests');
    expect(ninth.body).toMatchObject({ limit: 'orders-per-address' });
    await client.close();
  });
});

/** A funded user registered and logged in from `address`; its token. */
async function registeredFrom(ts: TestSystem, address: string): Promise<string> {
  const client = clientFrom(address);
  const registration = aRegistration();
  const registered = await client.post(`${ts.url}/auth/register`, registration);
  if (registered.status !== 201) throw new Error(`register answered ${registered.status}: ${registered.text}`);
  const login = await client.post(`${ts.url}/auth/login`, { email: registration.email, password: registration.password });
  const token = (login.body as { accessToken: string }).accessToken;
  await client.post(`${ts.url}/billing/account/deposits`, { amount: 1_000_000 }, { authorization: `Bearer ${token}` });
  await client.close();
  return token;
}

describe('HTTP limits off (--limits off, INTERPLAY_LIMITS=off)', () => {
  let ts: TestSystem;
  beforeAll(async () => {
    ts = await startRestSystem({ limits: NO_LIMITS });
  });
  afterAll(() => ts?.stop());

  it('POST /auth/login - 10 failures on one account all answer 401, and the right password still logs in', async () => {
    const user = await ts.aUser();
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push((await ts.call('POST', '/auth/login', { json: { email: user.email, password: 'wrong-password' } })).status);

    const right = await ts.call('POST', '/auth/login', { json: { email: user.email, password: user.password } });

    expect(answers).toEqual(Array(10).fill(401));
    expect(right.status).toBe(200);
  });
});
