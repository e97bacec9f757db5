import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_OVERLOAD_LIMITS, overloadLimitsFromEnv, shedOverload, type OverloadLimits } from './overload.ts';

/** an app with a route that holds its answer until `release()`, and an exempt /health */
async function anApp(limits: Partial<OverloadLimits>) {
  const app = Fastify();
  await shedOverload(app, { limits: { ...DEFAULT_OVERLOAD_LIMITS, ...limits }, exempt: (path) => path === '/health' });
  const held: (() => void)[] = [];
  app.get('/work', () => new Promise<{ done: true }>((resolve) => held.push(() => resolve({ done: true }))));
  app.get('/quick', async () => ({ done: true }));
  app.get('/health', async () => ({ status: 'up' }));
  await app.ready();
  return { app, held, release: () => held.splice(0).forEach((r) => r()) };
}

/** polls `check` until it returns true or `ms` pass */
async function until(check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setImmediate(r));
  }
}

describe('shedOverload', () => {
  let app: FastifyInstance | undefined;
  afterEach(() => app?.close());

  it('refuses a request beyond the in-flight limit with 503 problem+json and Retry-After, while /health answers', async () => {
    const t = await anApp({ maxInflight: 2 });
    app = t.app;
    const first = [t.app.inject('/work'), t.app.inject('/work')];
    await until(async () => t.held.length === 2);

    const refused = await t.app.inject('/quick');
    const health = await t.app.inject('/health');

    expect(refused.statusCode).toBe(503);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json()).toMatchObject({ type: '/problems/service-overloaded', status: 503, reason: 'inflight' });
    expect(health.statusCode).toBe(200);
    t.release();
    expect((await Promise.all(first)).map((r) => r.statusCode)).toEqual([200, 200]);
  });

  it('admits requests again once the ones in flight have answered', async () => {
    const t = await anApp({ maxInflight: 1 });
    app = t.app;
    const first = t.app.inject('/work');
    await until(async () => t.held.length === 1);
    expect((await t.app.inject('/quick')).statusCode).toBe(503);

    t.release();
    await first;

    expect((await t.app.inject('/quick')).statusCode).toBe(200);
  });

  it('refuses requests while the event loop lags past its limit with requests open, and still answers /health', async () => {
    const t = await anApp({ maxEventLoopDelayMs: 1 });
    app = t.app;
    const open = t.app.inject('/work');
    await until(async () => t.held.length === 1);
    let seen: { quick: number; reason: unknown; health: number } | undefined;

    await until(async () => {
      const stall = Date.now() + 50;
      while (Date.now() < stall); // the loop is blocked, as a CPU-bound burst blocks it
      const [quick, health] = await Promise.all([t.app.inject('/quick'), t.app.inject('/health')]);
      seen = { quick: quick.statusCode, reason: quick.statusCode === 503 ? quick.json().reason : undefined, health: health.statusCode };
      return quick.statusCode === 503;
    });

    expect(seen).toEqual({ quick: 503, reason: 'event-loop-delay', health: 200 });
    t.release();
    await open;
  });

  it('lets a request through a lagging loop when nothing else is in flight: the lag is not load', async () => {
    const t = await anApp({ maxEventLoopDelayMs: 1 });
    app = t.app;
    const statuses: number[] = [];

    for (let i = 0; i < 10; i++) {
      const stall = Date.now() + 50;
      while (Date.now() < stall); // a stall with no request open, as at start-up
      statuses.push((await t.app.inject('/quick')).statusCode);
    }

    expect(statuses).toEqual(Array(10).fill(200));
  });
});

describe('overloadLimitsFromEnv', () => {
  it('takes the defaults when nothing is set', () => {
    expect(overloadLimitsFromEnv({})).toEqual({ ok: true, value: DEFAULT_OVERLOAD_LIMITS });
  });

  it('takes INTERPLAY_MAX_EVENT_LOOP_DELAY_MS and INTERPLAY_MAX_INFLIGHT', () => {
    const limits = overloadLimitsFromEnv({ INTERPLAY_MAX_EVENT_LOOP_DELAY_MS: '20', INTERPLAY_MAX_INFLIGHT: '7' });

    expect(limits).toEqual({ ok: true, value: { ...DEFAULT_OVERLOAD_LIMITS, maxEventLoopDelayMs: 20, maxInflight: 7 } });
  });

  it.each(['0', '-3', '1.5', 'many'])('refuses INTERPLAY_MAX_INFLIGHT=%s, naming the variable', (value) => {
    const limits = overloadLimitsFromEnv({ INTERPLAY_MAX_INFLIGHT: value });

    expect(!limits.ok && limits.error).toMatch(/^INTERPLAY_MAX_INFLIGHT must be a positive integer/);
  });
});
