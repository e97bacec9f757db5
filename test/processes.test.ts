import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchSystem, type LaunchedSystem } from '../src/runtime/launch.ts';
import { startSink, type DeliverySink } from '../src/measure/engine/sink.ts';
import { runCourseScenario } from '../src/scenarios/course.ts';
import { aRegistration } from './support/builders.ts';
import { eventually, setupNats, type TestNats } from './support/nats.ts';
import { isAlive } from './support/processes.ts';
import { NO_SHEDDING } from './support/bench.ts';
import { call } from './support/system.ts';

/** Each service replica and the gateway as its own `interplay service` process, under a supervisor. */

const REPLICAS = { billing: 2, order: 2, notification: 2 };

interface Listed {
  readonly service: string;
  readonly replica?: number;
  readonly pid: number;
  readonly url?: string;
  readonly restarts?: number;
  readonly upSince?: string;
  readonly status: string;
}

const processesOf = async (system: LaunchedSystem): Promise<Listed[]> =>
  ((await call(system.url, 'GET', '/health')).body as { processes: Listed[] }).processes;

async function aFundedUser(baseUrl: string, balance: number) {
  const registration = aRegistration({ email: `user-${randomUUID()}@example.com` });
  const registered = await call(baseUrl, 'POST', '/auth/register', { json: registration });
  expect(registered.status, registered.text).toBe(201);
  const login = await call(baseUrl, 'POST', '/auth/login', { json: { email: registration.email, password: registration.password } });
  const token = login.body.accessToken as string;
  // In the event styles the account is opened by an event: deposit once it is there.
  await eventually(async () => (await call(baseUrl, 'POST', '/billing/account/deposits', { token, json: { amount: balance } })).status === 201, {
    what: 'the deposit',
  });
  return { id: registered.body.id as string, token };
}

const settled = (baseUrl: string, token: string, id: string) =>
  eventually(
    async () => {
      const res = await call(baseUrl, 'GET', `/orders/${id}`, { token });
      return res.status === 200 && res.body.status !== 'pending' ? (res.body as { status: string }) : undefined;
    },
    { what: `order ${id} to settle`, timeoutMs: 20_000 },
  );

let nats: TestNats;
beforeAll(async () => {
  // The supervised services read their overload limits from the environment they inherit.
  Object.assign(process.env, NO_SHEDDING);
  nats = await setupNats();
});
afterAll(() => nats?.teardown());

describe.each(['rest', 'notification'] as const)('the %s style, each service its own process, with replicas', (style) => {
  let system: LaunchedSystem;
  beforeAll(async () => {
    system = await launchSystem({ style, topology: { kind: 'processes', replicas: REPLICAS }, port: 0, nats: nats.url, onStdoutLine: () => {} });
  }, 90_000);
  afterAll(() => system?.stop());

  it('passes the course scenario', async () => {
    const result = await runCourseScenario({ baseUrl: system.url });
    expect(result.steps.filter((s) => !s.ok)).toEqual([]);
  });
});

describe('the collaboration style, each service its own process, with replicas', () => {
  let system: LaunchedSystem;
  let sink: DeliverySink;
  beforeAll(async () => {
    sink = await startSink();
    system = await launchSystem({
      style: 'collaboration',
      topology: { kind: 'processes', replicas: REPLICAS },
      port: 0,
      nats: nats.url,
      webhook: `${sink.url}/deliveries`,
      onStdoutLine: () => {},
    });
  }, 90_000);
  afterAll(async () => {
    await system?.stop();
    await sink?.close();
  });

  it('passes the course scenario', async () => {
    const result = await runCourseScenario({ baseUrl: system.url });
    expect(result.steps.filter((s) => !s.ok)).toEqual([]);
  });

  it("GET /health lists every process: service, replica, pid, address, restarts and up since", async () => {
    const listed = await processesOf(system);

    const names = listed.map((p) => `${p.service}#${p.replica ?? 1}`).sort();
    expect(names).toEqual(['auth#1', 'billing#1', 'billing#2', 'gateway#1', 'notification#1', 'notification#2', 'order#1', 'order#2']);
    for (const p of listed) {
      expect(p).toMatchObject({ status: 'up', restarts: 0, pid: expect.any(Number), upSince: expect.any(String) });
      expect(isAlive(p.pid)).toBe(true);
    }
    expect(new Set(listed.map((p) => p.pid)).size).toBe(listed.length);
  });

  it('two order replicas given the same Idempotency-Key at the same moment make one order and one charge', async () => {
    const user = await aFundedUser(system.url, 10_000);
    const [first, second] = system.supervisor!.list().filter((p) => p.service === 'order');
    const keys = Array.from({ length: 8 }, () => randomUUID());
    const answers = await Promise.all(
      keys.flatMap((key) =>
        [first!.url!, second!.url!].map((url) =>
          call(url, 'POST', '/orders', { token: user.token, json: { amount: 100 }, headers: { 'idempotency-key': key } }),
        ),
      ),
    );

    expect(answers.map((a) => a.status).filter((s) => s !== 201)).toEqual([]);
    for (let i = 0; i < keys.length; i++) expect(answers[2 * i]!.body.id).toBe(answers[2 * i + 1]!.body.id);
    const ids = [...new Set(answers.map((a) => a.body.id as string))];
    expect(ids).toHaveLength(keys.length);
    for (const id of ids) expect((await settled(system.url, user.token, id)).status).toBe('paid');
    const account = await call(system.url, 'GET', '/billing/account', { token: user.token });
    expect(account.body.balance).toBe(10_000 - keys.length * 100);
  });

  it('with two notification replicas, each notification is stored and delivered once', async () => {
    const user = await aFundedUser(system.url, 1_000);
    const placed = await Promise.all(
      [300, 300, 300, 300, 300].map(async (amount) => (await call(system.url, 'POST', '/orders', { token: user.token, json: { amount } })).body.id as string),
    );
    const outcomes = await Promise.all(placed.map((id) => settled(system.url, user.token, id)));
    expect(outcomes.map((o) => o.status).sort()).toEqual(['paid', 'paid', 'paid', 'rejected', 'rejected']);
    await sink.waitFor(placed, 10_000);

    const stored = await call(system.url, 'GET', '/notifications?limit=100', { token: user.token });
    const perOrder = placed.map((id) => (stored.body as { orderId: string }[]).filter((n) => n.orderId === id).length);
    expect(perOrder).toEqual([1, 1, 1, 1, 1]);
    expect(sink.duplicates).toBe(0);
    for (const id of placed) expect(sink.delivery(id)).toBeDefined();
  });

  it('a service SIGKILLed from outside (pid from /health) is restarted, and the next orders succeed', async () => {
    const user = await aFundedUser(system.url, 1_000);
    const before = (await processesOf(system)).find((p) => p.service === 'billing' && p.replica === 1)!;

    process.kill(before.pid, 'SIGKILL');
    const after = await eventually(
      async () => (await processesOf(system)).find((p) => p.service === 'billing' && p.replica === 1 && p.status === 'up' && p.pid !== before.pid),
      { what: 'billing#1 to come back', timeoutMs: 30_000 },
    );

    expect(isAlive(before.pid)).toBe(false);
    expect(after.restarts).toBe(1);
    const orders = await Promise.all([200, 200, 200].map(async (amount) => (await call(system.url, 'POST', '/orders', { token: user.token, json: { amount } })).body.id as string));
    for (const id of orders) expect((await settled(system.url, user.token, id)).status).toBe('paid');
  });

  it('a token issued before auth restarts still works after it, at auth and at the other services', async () => {
    const user = await aFundedUser(system.url, 500);
    const auth = (await processesOf(system)).find((p) => p.service === 'auth')!;

    await system.supervisor!.kill('auth');
    await eventually(async () => (await processesOf(system)).find((p) => p.service === 'auth' && p.status === 'up' && p.pid !== auth.pid), {
      what: 'auth to come back',
      timeoutMs: 30_000,
    });

    expect((await call(system.url, 'GET', '/auth/me', { token: user.token })).status).toBe(200);
    expect((await call(system.url, 'GET', '/billing/account', { token: user.token })).body.balance).toBe(500);
    expect((await call(system.url, 'GET', '/orders', { token: user.token })).status).toBe(200);
  });
});
