import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { loopLagMs, loopLagRequestClosed, loopLagRequestOpened } from './loop-lag.ts';
import { problem, sendProblem } from './problem.ts';

/**
 * When to refuse new requests instead of queueing them. A request that waits for seconds has
 * usually been given up by its client, yet it would still be served: an order created and charged
 * for nobody. A 503 with Retry-After tells the client at once, and costs the system almost nothing.
 */
export interface OverloadLimits {
  /**
   * ms; mean event-loop delay over one sample above which new requests are shed; default 100, the
   * p99 completion target: when every turn of the loop already waits that long, an order admitted now
   * (it crosses the loop several times: gateway, order, billing, notification) cannot meet the target,
   * and admitting it only lengthens the queue for the orders before it.
   */
  readonly maxEventLoopDelayMs: number;
  /**
   * requests being served at once above which new ones are shed; default 128. By Little's law, at
   * the ~200 orders/s one core holds, 128 open requests are ~0.6 s of queue: the longest wait worth
   * making a client sit through. Held rates keep about 10–40 open, well under it.
   */
  readonly maxInflight: number;
  /** s; the Retry-After of a shed request; default 1, a few samples, enough for a burst to drain */
  readonly retryAfterS: number;
}

export const DEFAULT_OVERLOAD_LIMITS: OverloadLimits = { maxEventLoopDelayMs: 100, maxInflight: 128, retryAfterS: 1 };

/** the environment variables that override the defaults, as a compose file or manifest sets them */
export const OVERLOAD_ENV = {
  maxEventLoopDelayMs: 'INTERPLAY_MAX_EVENT_LOOP_DELAY_MS',
  maxInflight: 'INTERPLAY_MAX_INFLIGHT',
} as const;

/** The limits with the environment's overrides; an error names a variable that is not a positive integer. */
export function overloadLimitsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): { ok: true; value: OverloadLimits } | { ok: false; error: string } {
  const limits = { ...DEFAULT_OVERLOAD_LIMITS };
  for (const key of Object.keys(OVERLOAD_ENV) as (keyof typeof OVERLOAD_ENV)[]) {
    const name = OVERLOAD_ENV[key];
    const text = env[name];
    if (text === undefined || text === '') continue;
    if (!/^[1-9][0-9]{0,8}$/.test(text)) return { ok: false, error: `${name} must be a positive integer, got '${text}'` };
    limits[key] = Number(text);
  }
  return { ok: true, value: limits };
}

export type ShedReason = 'event-loop-delay' | 'inflight';

export interface ShedOptions {
  readonly limits: OverloadLimits;
  /**
   * Requests never shed: /health and /metrics must answer while the system is overloaded (that is
   * when they are read), and a service's internal routes serve work already admitted upstream, so
   * refusing them would fail an order half-way instead of before it began.
   */
  readonly exempt: (path: string) => boolean;
}

/** Registers shedding on `app` (all its routes); call it before the routes are added. */
export async function shedOverload(app: FastifyInstance, { limits, exempt }: ShedOptions): Promise<void> {
  const isExempt = (request: FastifyRequest) => exempt(request.url.split('?')[0] ?? '');
  const shed = (reply: FastifyReply, reason: ShedReason, detail: string) =>
    sendProblem(reply.header('retry-after', String(limits.retryAfterS)), problem('service-overloaded', detail, { reason }));

  let inflight = 0;
  /**
   * Lag is load only while requests are open. A loop that stalled with nothing in flight stalled for
   * something else (start-up, a GC pause), and refusing the one request sheds nothing. No value is
   * a sample that caught no loop turn at all, right after one long stall (the next is real), or a
   * monitor that has only just started.
   */
  const isLoad = (value: number | undefined): value is number => inflight > 0 && value !== undefined;

  app.addHook('onRequest', async (request, reply) => {
    if (isExempt(request)) return;
    const lag = loopLagMs();
    if (isLoad(lag) && lag > limits.maxEventLoopDelayMs) {
      return shed(reply, 'event-loop-delay', `The event loop lags ${Math.round(lag)} ms (limit ${limits.maxEventLoopDelayMs} ms).`);
    }
    if (inflight >= limits.maxInflight) {
      return shed(reply, 'inflight', `${inflight} requests are being served (limit ${limits.maxInflight}).`);
    }
    inflight += 1;
    loopLagRequestOpened();
    // 'close' comes whether the answer was sent or the client went away, so the count cannot leak.
    reply.raw.once('close', () => {
      inflight -= 1;
      loopLagRequestClosed();
    });
  });
}
