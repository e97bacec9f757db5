import type pino from 'pino';
import { pendingSince, type OrderDeps } from '../../services/order/index.ts';
import { resumeSettlement } from './choreography.ts';
import type { InternalApis } from '../http/clients.ts';

export interface RecoverySweepOptions {
  readonly deps: OrderDeps;
  readonly apis: InternalApis;
  readonly log: pino.Logger;
  /**
   * ms an order may stay unsettled before the sweep takes it over; default 5000. The request that
   * placed it settles in milliseconds in the normal course, and in 5 s unless a downstream call hangs
   * (the service client's timeout is 5 s). Longer would only delay recovery: a race with the request
   * is harmless (see below).
   */
  readonly graceMs?: number;
  /** ms between passes; default 1000: a recovered order waits at most grace + 1 s */
  readonly intervalMs?: number;
}

export interface RecoverySweep {
  /** one pass now: resumes every order unsettled for longer than the grace period; resolves to how many settled */
  pass(): Promise<number>;
  /** stops the timer and waits for a running pass */
  stop(): Promise<void>;
}

/**
 * The RESTful style has no broker to redeliver: an order left pending by a crash between charge and
 * settlement (or one whose user was never told, because notification was down) would stay so. The
 * order service sweeps for them and resumes each settlement.
 *
 * Replicas each run a sweep, and a sweep may race the request that placed the order. That is enough
 * because every step is decided once by a database: billing's payment is unique per order (a second
 * pay answers the first one's decision), applying the outcome is a conditional UPDATE of a pending
 * order, a notification is unique per order, and marking settled is conditional too. Racing costs
 * repeated calls, never a second charge or a second notification.
 */
export function startRecoverySweep(opts: RecoverySweepOptions): RecoverySweep {
  const graceMs = opts.graceMs ?? 5_000;
  const intervalMs = opts.intervalMs ?? 1_000;
  const resume = resumeSettlement(opts.deps, opts.apis);
  let running: Promise<number> | undefined;
  let stopped = false;

  const pass = (): Promise<number> => {
    running ??= (async () => {
      let settled = 0;
      try {
        const due = await pendingSince(opts.deps, opts.deps.clock.now() - graceMs);
        for (const order of due) {
          if (stopped) break;
          try {
            await resume(order, { traceparent: '' });
            settled++;
          } catch (error) {
            // A peer still down: the order stays unsettled and the next pass tries again.
            opts.log.debug({ err: error, orderId: order.id }, 'recovery sweep: settlement not resumed yet');
          }
        }
      } finally {
        running = undefined;
      }
      return settled;
    })();
    return running;
  };

  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer = setTimeout(() => {
      void pass()
        .catch((error: unknown) => opts.log.warn({ err: error }, 'recovery sweep: pass failed'))
        .finally(() => {
          if (!stopped) schedule();
        });
    }, intervalMs);
    timer.unref();
  };
  schedule();

  return {
    pass,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
