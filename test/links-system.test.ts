import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchSystem, type LaunchedSystem } from '../src/runtime/launch.ts';
import { LINKS_ENV, linksToEnv } from '../src/runtime/links/profile.ts';
import { aRegistration } from './support/builders.ts';
import { eventually, setupNats, type TestNats } from './support/nats.ts';
import { NO_SHEDDING } from './support/bench.ts';
import { call } from './support/system.ts';

/** A processes-topology system whose services reach each other and the broker only through links. */

interface LinkProcess {
  readonly service: string;
  readonly link: string;
  readonly pid: number;
  readonly bytes: { readonly forward: number; readonly backward: number };
}

let nats: TestNats;
let system: LaunchedSystem;
beforeAll(async () => {
  Object.assign(process.env, NO_SHEDDING);
  nats = await setupNats();
  process.env[LINKS_ENV] = linksToEnv({ profile: { latencyMs: 2, jitterMs: 1 }, pairs: [{ from: 'order', to: 'nats', latencyMs: 3, jitterMs: 0 }] });
  try {
    system = await launchSystem({ style: 'notification', topology: { kind: 'processes' }, nats: nats.url, port: 0, onStdoutLine: () => undefined });
  } finally {
    delete process.env[LINKS_ENV];
  }
});
afterAll(async () => {
  await system?.stop();
  await nats?.teardown();
});

describe('the notification style with links between its services', () => {
  it('settles an order through the links, each of which carried it and reports its bytes apart from the services', async () => {
    const registration = aRegistration({ email: `user-${randomUUID()}@example.com` });
    expect((await call(system.url, 'POST', '/auth/register', { json: registration })).status).toBe(201);
    const token = (await call(system.url, 'POST', '/auth/login', { json: { email: registration.email, password: registration.password } })).body.accessToken as string;
    await eventually(async () => (await call(system.url, 'POST', '/billing/account/deposits', { token, json: { amount: 1_000 } })).status === 201, { what: 'the deposit' });
    const placed = await call(system.url, 'POST', '/orders', { token, json: { amount: 100 } });
    expect(placed.status).toBe(201);
    const order = await eventually(
      async () => {
        const res = await call(system.url, 'GET', `/orders/${placed.body.id as string}`, { token });
        return res.body.status !== 'pending' ? (res.body as { status: string }) : undefined;
      },
      { what: 'the order to settle', timeoutMs: 20_000 },
    );
    expect(order.status).toBe('paid');

    const processes = (await call(system.url, 'GET', '/health')).body.processes as { service: string }[];
    const links = processes.filter((p): p is LinkProcess => p.service === 'links');
    // Each service to each peer it calls (auth for the JWKS included), and each to the broker.
    expect(links.map((l) => l.link).sort()).toEqual([
      'auth>nats', 'billing>auth', 'billing>nats', 'billing>order', 'notification>auth', 'notification>nats', 'notification>order',
      'order>auth', 'order>billing', 'order>nats',
    ]);
    const byName = Object.fromEntries(links.map((l) => [l.link, l]));
    // billing read the order back, order read the payment back: both ways carried bytes.
    for (const name of ['billing>order', 'order>billing', 'order>nats', 'billing>nats']) {
      expect(byName[name]!.bytes.forward, name).toBeGreaterThan(0);
      expect(byName[name]!.bytes.backward, name).toBeGreaterThan(0);
    }
    const servicePids = processes.filter((p) => p.service !== 'links').map((p) => (p as { pid?: number }).pid);
    expect(links.every((l) => !servicePids.includes(l.pid))).toBe(true);
  });
});
