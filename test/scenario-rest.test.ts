import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCourseScenario, type StepResult } from '../src/scenarios/course.ts';
import { aClosedPort, startRestSystem, type TestSystem } from './support/system.ts';

describe('course scenario over REST', () => {
  let ts: TestSystem;
  beforeAll(async () => {
    ts = await startRestSystem();
  });
  afterAll(() => ts?.stop());

  it('runCourseScenario - passes all ten steps against the RESTful system, and two messages are delivered', async () => {
    const seen: StepResult[] = [];

    const result = await runCourseScenario({ baseUrl: ts.url, settleTimeoutMs: 5_000, onStep: (step) => seen.push(step) });

    const failed = result.steps.filter((s) => !s.ok).map((s) => `${s.name}: ${s.failure} ${JSON.stringify(s.exchanges)}`);
    expect(failed).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.steps).toHaveLength(10);
    expect(seen.map((s) => s.name)).toEqual(result.steps.map((s) => s.name));
    expect(ts.deliveries.map((d) => d.notification.type).sort()).toEqual(['order.paid', 'order.rejected']);
  });

  it('runCourseScenario - where nothing listens, fails the first step and shows the request it could not send', async () => {
    const baseUrl = `http://127.0.0.1:${await aClosedPort()}`;

    const result = await runCourseScenario({ baseUrl, settleTimeoutMs: 100 });

    expect(result.ok).toBe(false);
    expect(result.steps).toHaveLength(1);
    const [step] = result.steps;
    expect(step).toMatchObject({ name: 'register a user', ok: false, failure: expect.any(String) });
    expect(step?.exchanges).toEqual([
      {
        request: { method: 'POST', url: `${baseUrl}/auth/register`, body: expect.objectContaining({ email: expect.any(String) }) },
        error: expect.any(String),
      },
    ]);
  });

  it('runCourseScenario - against a server that answers wrongly, fails the step with the status and the exchange', async () => {
    // The billing service's own port has no /auth routes: register answers 404.
    const result = await runCourseScenario({ baseUrl: ts.system.services.billing, settleTimeoutMs: 100 });

    expect(result.ok).toBe(false);
    const [step] = result.steps;
    expect(step?.failure).toMatch(/answered 404, expected 201/);
    expect(step?.exchanges?.[0]).toMatchObject({ request: { method: 'POST' }, response: { status: 404, body: { type: '/problems/not-found' } } });
  });
});
