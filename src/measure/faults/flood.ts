import { Pool } from 'undici';
import { DEFAULT_LOGIN_LIMITS } from '../../services/auth/index.ts';
import { startChildSystem } from '../../runtime/child.ts';
import { PASSWORD_HASHES_METRIC } from '../../runtime/counted-hasher.ts';
import { resolveNats } from '../../runtime/nats-server.ts';
import { orderPlan, prepareUsers } from '../../scenarios/load.ts';
import type { Style } from '../../model/style.ts';
import { now } from '../engine/clock.ts';
import { runLoad } from '../engine/engine.ts';
import { floodFigures, type FloodFigures, type FloodOrder } from './flood-figures.ts';
import { createJsonClient } from '../engine/http-client.ts';
import { counterDelta, scrapeMetrics } from '../engine/metrics-snapshot.ts';
import { acceptedOrderId, placeOrder } from '../engine/place-order.ts';
import { startSink } from '../engine/sink.ts';

export interface FloodOptions {
  readonly style: Style;
  /** users who order, registered and funded before the load; default 20 */
  readonly users: number;
  /** orders per second from those users, the whole run; default 50 */
  readonly orderRate: number;
  /** wrong-password logins per second from the attacker; default 300 */
  readonly loginRate: number;
  /** ms of orders alone, before the flood: the "without" of the comparison; default 10000 */
  readonly quietMs: number;
  /** ms of the flood, orders going on: the "with"; default 10000 */
  readonly floodMs: number;
  /** ms of orders sent before the quiet phase and left out; default 2000 */
  readonly warmupMs: number;
  /** the attacker's own loopback address, so the system sees one client apart from the users; default 127.0.0.2 */
  readonly attackerAddress: string;
  /** accounts the attacker guesses passwords for, taken from the users; default 10 */
  readonly accounts: number;
  /** the system's limits: off shows the flood unchecked; default on */
  readonly limits: 'on' | 'off';
  /** NATS for the event styles; default $NATS_URL, else a private nats-server */
  readonly nats?: string;
  /** ms to wait for orders' notifications after the load; default 15000 */
  readonly drainMs: number;
  readonly onPhase?: (phase: 'starting' | 'setup' | 'quiet' | 'flood' | 'drain') => void;
}

export const FLOOD_DEFAULTS = {
  users: 20,
  orderRate: 50,
  loginRate: 300,
  quietMs: 10_000,
  floodMs: 10_000,
  warmupMs: 2_000,
  attackerAddress: '127.0.0.2',
  accounts: 10,
  limits: 'on',
  drainMs: 15_000,
} as const satisfies Omit<FloodOptions, 'style'>;

export interface FloodResult extends FloodFigures {
  readonly schema: 'interplay/flood@1';
  readonly style: Style;
  readonly options: Omit<FloodOptions, 'onPhase'>;
  /** wall-clock start, ISO 8601 */
  readonly startedAt: string;
}

/** requests the attacker keeps open at most: a real flood does not wait for answers */
const ATTACKER_INFLIGHT = 10_000;

/**
 * A flood of wrong-password logins from one client, next to a steady stream of orders from other
 * users, in one run: orders alone first, then orders with the flood, so the two phases' completion
 * times compare on the same system. The system runs as `interplay up` in a child process.
 */
export async function runFlood(opts: FloodOptions): Promise<FloodResult> {
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    opts.onPhase?.('starting');
    const startedAt = new Date().toISOString();
    const sink = await startSink();
    cleanups.push(() => sink.close());
    const nats = opts.style === 'rest' ? undefined : await resolveNats({ url: opts.nats });
    if (nats) cleanups.push(() => nats.stop());
    const system = await startChildSystem({ style: opts.style, nats: nats?.url, webhook: `${sink.url}/deliveries`, env: { INTERPLAY_LIMITS: opts.limits } });
    cleanups.push(() => system.stop());

    opts.onPhase?.('setup');
    const { tokens, users } = await prepareUsers(system.url, opts.users);
    const victims = users.slice(0, Math.max(1, Math.min(opts.accounts, users.length))).map((u) => u.email);
    const client = createJsonClient({ baseUrl: system.url, connections: 64 });
    cleanups.push(() => client.close());
    const attacker = new Pool(system.url, { connections: 64, localAddress: opts.attackerAddress });
    cleanups.push(() => attacker.close());

    const plan = orderPlan({ users: opts.users, insufficient: 0, seed: 1 });
    const orders: (FloodOrder & { id?: string })[] = [];
    const origin = now();
    const floodStart = origin + opts.warmupMs + opts.quietMs;
    opts.onPhase?.('quiet');
    const load = runLoad({
      mode: 'open',
      rate: opts.orderRate,
      warmupMs: opts.warmupMs,
      durationMs: opts.quietMs + opts.floodMs,
      drainTimeoutMs: opts.drainMs,
      request: (_i, ctx) => placeOrder(client, tokens, plan.next(), ctx.signal),
      onResponse: (_i, intendedAt, res, info) => {
        if (!info.warmup) orders.push({ intendedAt, outcome: res.status, id: acceptedOrderId(res) });
      },
      onError: (_i, intendedAt, error, info) => {
        if (!info.warmup) orders.push({ intendedAt, outcome: (error as { code?: string }).code ?? 'error' });
      },
    });

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, floodStart - now())));
    opts.onPhase?.('flood');
    const before = await scrapeMetrics(system.url);
    const attackerAnswers: (number | string)[] = [];
    const flood = runLoad({
      mode: 'open',
      rate: opts.loginRate,
      durationMs: opts.floodMs,
      maxInflight: ATTACKER_INFLIGHT,
      drainTimeoutMs: opts.drainMs,
      request: async (i, ctx) => {
        const res = await attacker.request({
          method: 'POST',
          path: '/auth/login',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: victims[i % victims.length], password: `guess-${i}` }),
          signal: ctx.signal,
        });
        await res.body.dump();
        return { status: res.statusCode };
      },
      onResponse: (_i, _at, res) => void attackerAnswers.push(res.status),
      onError: (_i, _at, error) => void attackerAnswers.push((error as { code?: string }).code ?? 'error'),
    });
    const floodLoad = await flood.result;
    const after = await scrapeMetrics(system.url);
    await load.result;

    opts.onPhase?.('drain');
    const accepted = orders.flatMap((o) => (o.id ? [o.id] : []));
    await sink.waitFor(accepted, opts.drainMs);
    const argon2Runs = Object.values(counterDelta(before, after, PASSWORD_HASHES_METRIC, (l) => l['operation'] ?? '')).reduce((a, b) => a + b, 0);
    const figures = floodFigures({
      orders: orders.map((o) => ({ intendedAt: o.intendedAt, outcome: o.outcome, ...(o.id ? { deliveredAt: sink.receivedAt(o.id) } : {}) })),
      floodStart,
      attackerAnswers,
      attackerUnanswered: floodLoad.unfinished + floodLoad.dropped,
      argon2Runs,
      // Each key lets maxFailures attempts reach the hash per window; the flood is shorter than a block.
      bound: DEFAULT_LOGIN_LIMITS.maxFailures * (victims.length + 1),
    });
    const { onPhase: _onPhase, ...options } = opts;
    return { schema: 'interplay/flood@1', style: opts.style, options, startedAt, ...figures };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}
