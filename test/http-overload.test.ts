import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OVERLOAD_LIMITS } from '../src/platform/http/overload.ts';
import { allPages, expectProblem, startRestSystem, type TestSystem } from './support/system.ts';

describe('HTTP overload: above its limit the system sheds requests with 503 instead of queueing them', () => {
  let ts: TestSystem;
  beforeAll(async () => {
    // Two requests at once: enough for the one-at-a-time setup below, far too few for a burst.
    ts = await startRestSystem({ overload: { ...DEFAULT_OVERLOAD_LIMITS, maxInflight: 2 } });
  });
  afterAll(() => ts?.stop());

  it('a burst of orders gets some 503 problem+json with Retry-After; /health answers during it; a refused order is neither created nor charged', async () => {
    const user = await ts.aFundedUser(1_000_000);
    const order = () => ts.call<{ id: string }>('POST', '/orders', { token: user.token, json: { amount: 1_000 }, headers: { 'idempotency-key': randomUUID() } });

    const [replies, health] = await Promise.all([
      Promise.all(Array.from({ length: 30 }, order)),
      Promise.all(Array.from({ length: 5 }, () => ts.call('GET', '/health'))),
    ]);

    const refused = replies.filter((r) => r.status === 503);
    const created = replies.filter((r) => r.status === 201);
    expect(refused.length).toBeGreaterThan(0);
    expect(created.length + refused.length).toBe(30);
    for (const reply of refused) {
      expectProblem(reply, 503, 'service-overloaded');
      expect(reply.headers.get('retry-after')).toBe(String(DEFAULT_OVERLOAD_LIMITS.retryAfterS));
    }
    expect(health.map((h) => h.status)).toEqual([200, 200, 200, 200, 200]);

    const listed = (await allPages<{ id: string }>(ts, user.token, '/orders?limit=100')).flat().map((o) => o.id);
    expect(listed.sort()).toEqual(created.map((r) => r.body.id).sort());
    const account = await ts.call('GET', '/billing/account', { token: user.token });
    expect(account.body.balance).toBe(1_000_000 - 1_000 * created.length);
  });
});
