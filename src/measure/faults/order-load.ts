import type { AcknowledgedOrder, Expectations, KeyedRequest } from '../../analyse/index.ts';
import { orderPlan, type PreparedUser, type WorkloadOptions } from '../../scenarios/load.ts';
import { openLoop } from '../engine/load-options.ts';
import { runLoad, type LoadRun } from '../engine/engine.ts';
import { acceptedOrderId, orderClient } from '../engine/place-order.ts';
import { createRandom } from '../../model/random.ts';

/** One POST /orders as the client saw it. */
export interface OrderAttempt {
  /** on `clock.now()` (ms) */
  readonly intendedAt: number;
  /** the user's index */
  readonly user: number;
  /** the HTTP status, or 'error' when no answer came (a connection refused or reset, a timeout) */
  readonly status: number | 'error';
  /** the order the 201 carried */
  readonly orderId?: string;
  readonly key?: string;
  /** true when this request repeated an earlier one's key and body */
  readonly replay: boolean;
}

export interface OrderLoadOptions extends Omit<WorkloadOptions, 'users'> {
  readonly baseUrl: string;
  readonly users: readonly PreparedUser[];
  /** orders per second, open loop */
  readonly rate: number;
  /** ms of load after the warm-up */
  readonly durationMs: number;
  /** ms of load before the window; default 0 */
  readonly warmupMs?: number;
  /** ms to wait for answers after the window */
  readonly drainMs: number;
  readonly maxInflight: number;
  /** fraction of new orders sent with an Idempotency-Key; default 0 */
  readonly keyed?: number;
  /** fraction of requests that replay an earlier keyed order instead of placing a new one; default 0 */
  readonly replays?: number;
}

export interface OrderLoad {
  readonly run: LoadRun;
  /** every request, in the order its answer came */
  readonly attempts: readonly OrderAttempt[];
}

/** the most recent keyed orders a replay picks from: recent ones, so some replays meet their original still settling */
const REPLAY_POOL = 32;

/**
 * Open-loop order load that records what the client was told: every answer, the order ids of its
 * 201s, and the Idempotency-Keys it sent. Some orders carry a key and some requests repeat one
 * (same user, key and body), as a client retrying after a lost answer would.
 */
export function placeOrders(opts: OrderLoadOptions): OrderLoad {
  const plan = orderPlan({ users: opts.users.length, insufficient: opts.insufficient, seed: opts.seed });
  // Its own stream, so the orders themselves are the same sequence as a bench's with this seed.
  const rng = createRandom(opts.seed ^ 0x5eed);
  const client = orderClient(opts.baseUrl, opts.maxInflight);
  const attempts: OrderAttempt[] = [];
  const sentKeyed: { user: number; amount: number; key: string }[] = [];
  let keys = 0;

  const run = runLoad({
    ...openLoop(opts),
    warmupMs: opts.warmupMs ?? 0,
    drainTimeoutMs: opts.drainMs,
    request: async (_i, ctx) => {
      const replayOf = sentKeyed.length > 0 && rng.next() < (opts.replays ?? 0) ? sentKeyed[sentKeyed.length - 1 - rng.int(Math.min(REPLAY_POOL, sentKeyed.length))] : undefined;
      const order = replayOf ?? (() => {
        const next = plan.next();
        const key = rng.next() < (opts.keyed ?? 0) ? `order-${opts.seed}-${++keys}` : undefined;
        const made = { user: next.user, amount: next.amount, ...(key ? { key } : {}) };
        if (key) sentKeyed.push({ user: next.user, amount: next.amount, key });
        return made;
      })();
      const user = opts.users[order.user]!;
      const base = { intendedAt: ctx.intendedAt, user: order.user, replay: replayOf !== undefined, ...(order.key ? { key: order.key } : {}) };
      try {
        const res = await client.request({
          method: 'POST',
          path: '/orders',
          headers: { authorization: `Bearer ${user.token}`, ...(order.key ? { 'idempotency-key': order.key } : {}) },
          body: { amount: order.amount },
          signal: ctx.signal,
        });
        const id = acceptedOrderId(res);
        attempts.push({ ...base, status: res.status, ...(id !== undefined ? { orderId: id } : {}) });
        return { status: res.status, data: res.data };
      } catch (error) {
        attempts.push({ ...base, status: 'error' });
        throw error;
      }
    },
  });
  void run.result.finally(() => client.close()).catch(() => undefined);
  return { run, attempts };
}

/** What the client was told, as the invariant checker's expectations: acknowledged orders and deposits, and keyed answers. */
export function expectationsOf(users: readonly PreparedUser[], attempts: readonly OrderAttempt[]): Expectations {
  const acknowledgedOrders: AcknowledgedOrder[] = [];
  const keyedRequests: KeyedRequest[] = [];
  for (const a of attempts) {
    if (a.orderId === undefined) continue;
    const userId = users[a.user]!.id;
    acknowledgedOrders.push({ userId, orderId: a.orderId });
    if (a.key !== undefined) keyedRequests.push({ userId, key: a.key, orderId: a.orderId });
  }
  return {
    acknowledgedOrders,
    keyedRequests,
    acknowledgedDeposits: users.map((u) => ({ userId: u.id, amount: u.funding.amount, idempotencyKey: u.funding.idempotencyKey })),
  };
}
