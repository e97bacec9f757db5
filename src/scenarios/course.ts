import { randomUUID } from 'node:crypto';
import { apiClient, type Exchange } from './http.ts';

export interface StepResult {
  readonly name: string;
  readonly ok: boolean;
  /** ms */
  readonly durationMs: number;
  readonly failure?: string;
  /** the requests and responses of a failed step */
  readonly exchanges?: readonly Exchange[];
}

export interface ScenarioResult {
  readonly baseUrl: string;
  readonly ok: boolean;
  readonly durationMs: number;
  readonly steps: readonly StepResult[];
}

export interface CourseScenarioOptions {
  readonly baseUrl: string;
  /** ms to wait for an asynchronous outcome (account opened, order settled, message stored); default 10000 */
  readonly settleTimeoutMs?: number;
  /** called as each step ends, for live output */
  readonly onStep?: (step: StepResult) => void;
}

class StepFailed extends Error {}

function expect(condition: boolean, message: string): asserts condition {
  if (!condition) throw new StepFailed(message);
}

/** Polls until `done` holds; the event styles settle after the request that set them off. */
async function eventually<T>(timeoutMs: number, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    const value = await read();
    if (done(value) || Date.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

const DEPOSIT = 100_000;
const FITS = 60_000;
const TOO_MUCH = 50_000;

/**
 * The course scenario: register, deposit, an order that fits and is paid, one that does not
 * and is rejected, one message for each, and no way to read another user's order.
 */
export async function runCourseScenario(opts: CourseScenarioOptions): Promise<ScenarioResult> {
  const api = apiClient(opts.baseUrl);
  const wait = opts.settleTimeoutMs ?? 10_000;
  const steps: StepResult[] = [];
  const started = performance.now();
  const state: { token?: string; paidOrder?: string; rejectedOrder?: string } = {};
  const suffix = randomUUID().slice(0, 8);
  const user = { email: `student-${suffix}@example.com`, password: 'correct-horse-battery', name: `Student ${suffix}` };

  const step = async (name: string, body: () => Promise<void>): Promise<boolean> => {
    api.log.length = 0;
    const t0 = performance.now();
    let result: StepResult;
    try {
      await body();
      result = { name, ok: true, durationMs: performance.now() - t0 };
    } catch (error) {
      result = { name, ok: false, durationMs: performance.now() - t0, failure: (error as Error).message, exchanges: [...api.log] };
    }
    steps.push(result);
    opts.onStep?.(result);
    return result.ok;
  };

  const balance = async () => (await api.call('GET', '/billing/account', { token: state.token })).body?.balance as number;
  const settledOrder = (id: string) =>
    eventually(wait, () => api.call('GET', `/orders/${id}`, { token: state.token }), (r) => r.status !== 200 || r.body.status !== 'pending');
  const notificationsFor = (orderId: string) =>
    eventually(
      wait,
      () => api.call<{ orderId: string; type: string }[]>('GET', '/notifications', { token: state.token }),
      (r) => r.status === 200 && r.body.some((n) => n.orderId === orderId),
    ).then((r) => (r.status === 200 ? r.body.filter((n) => n.orderId === orderId) : []));
  const placeOrder = async (amount: number) => {
    const res = await api.call('POST', '/orders', { token: state.token, body: { amount }, headers: { 'idempotency-key': randomUUID() } });
    expect(res.status === 201, `POST /orders answered ${res.status}, expected 201`);
    return res.body.id as string;
  };

  const plan: [string, () => Promise<void>][] = [
    ['register a user', async () => {
      const res = await api.call('POST', '/auth/register', { body: user });
      expect(res.status === 201, `answered ${res.status}, expected 201`);
      expect(res.body.email === user.email && typeof res.body.id === 'string', 'the answer does not describe the new user');
      const login = await api.call('POST', '/auth/login', { body: { email: user.email, password: user.password } });
      expect(login.status === 200 && typeof login.body.accessToken === 'string', `login answered ${login.status}, expected 200 with a token`);
      state.token = login.body.accessToken;
    }],
    ['a billing account exists with balance 0', async () => {
      const res = await eventually(wait, () => api.call('GET', '/billing/account', { token: state.token }), (r) => r.status === 200);
      expect(res.status === 200, `GET /billing/account answered ${res.status}, expected 200`);
      expect(res.body.balance === 0, `balance is ${res.body.balance}, expected 0`);
    }],
    [`deposit ${DEPOSIT}`, async () => {
      const res = await api.call('POST', '/billing/account/deposits', { token: state.token, body: { amount: DEPOSIT } });
      expect(res.status === 201, `answered ${res.status}, expected 201`);
      expect(res.body.balance === DEPOSIT, `balance is ${res.body.balance}, expected ${DEPOSIT}`);
    }],
    [`an order of ${FITS} that fits is paid`, async () => {
      state.paidOrder = await placeOrder(FITS);
      const res = await settledOrder(state.paidOrder);
      expect(res.body?.status === 'paid', `order status is ${res.body?.status}, expected paid`);
    }],
    [`the balance decreased by exactly ${FITS}`, async () => {
      const b = await balance();
      expect(b === DEPOSIT - FITS, `balance is ${b}, expected ${DEPOSIT - FITS}`);
    }],
    ['one success notification for that order', async () => {
      const mine = await notificationsFor(state.paidOrder ?? '');
      expect(mine.length === 1, `found ${mine.length} notifications for the order, expected 1`);
      expect(mine[0]?.type === 'order.paid', `notification type is ${mine[0]?.type}, expected order.paid`);
    }],
    [`an order of ${TOO_MUCH} that does not fit is rejected`, async () => {
      state.rejectedOrder = await placeOrder(TOO_MUCH);
      const res = await settledOrder(state.rejectedOrder);
      expect(res.body?.status === 'rejected', `order status is ${res.body?.status}, expected rejected`);
    }],
    ['the balance is unchanged', async () => {
      const b = await balance();
      expect(b === DEPOSIT - FITS, `balance is ${b}, expected ${DEPOSIT - FITS}`);
    }],
    ['one failure notification for that order', async () => {
      const mine = await notificationsFor(state.rejectedOrder ?? '');
      expect(mine.length === 1, `found ${mine.length} notifications for the order, expected 1`);
      expect(mine[0]?.type === 'order.rejected', `notification type is ${mine[0]?.type}, expected order.rejected`);
    }],
    ["another user cannot read the first user's order", async () => {
      const other = { email: `other-${suffix}@example.com`, password: 'another-long-password', name: 'Other' };
      const reg = await api.call('POST', '/auth/register', { body: other });
      expect(reg.status === 201, `registering the second user answered ${reg.status}`);
      const login = await api.call('POST', '/auth/login', { body: { email: other.email, password: other.password } });
      const res = await api.call('GET', `/orders/${state.paidOrder}`, { token: login.body.accessToken });
      expect(res.status === 404, `GET /orders/{id} as another user answered ${res.status}, expected 404`);
    }],
  ];
  // Each step builds on the one before: run them in order and stop at the first failure.
  for (const [name, body] of plan) if (!(await step(name, body))) break;
  const ok = steps.length === plan.length && steps.every((s) => s.ok);
  return { baseUrl: opts.baseUrl, ok, durationMs: performance.now() - started, steps };
}


