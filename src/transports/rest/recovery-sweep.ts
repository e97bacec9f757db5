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
  /** ms between passes while orders are unsettled or being placed; default 1000: a recovered order waits at most grace + 1 s */
  readonly intervalMs?: number;
  /**
   * ms between passes at rest: no order of this process unsettled or placed within grace +
   * interval, and the last pass found none due; default 10000. Orders this process places wake the
   * sweep (wake()), and a restarted process's first pass finds what its crash left; this backstop
   * is for what neither announces, another replica's order left by a crash while the replica
   * stays down. A pass costs a query, and at rest nothing else wakes the process.
   */
  readonly restIntervalMs?: number;
}

export interface RecoverySweep {
  /** one pass now: resumes every order unsettled for longer than the grace period; resolves to how many settled */
  pass(): Promise<number>;
  /** call when this process placed an order: passes come every interval again until it has settled */
  wake(): void;
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
  const restIntervalMs = opts.restIntervalMs ?? 10_000;
  const resume = resumeSettlement(opts.deps, opts.apis);
  let running: Promise<number> | undefined;
  let stopped = false;
  /**
   * ms epoch until which passes come every interval: an order placed, or one found due, keeps them
   * coming. The first pass comes after one interval: a process started again after a crash finds what it left.
   */
  let busyUntil = Date.now() + intervalMs;

  const pass = (): Promise<number> => {
    running ??= (async () => {
      let settled = 0;
      try {
        const due = await pendingSince(opts.deps, opts.deps.clock.now() - graceMs);
        if (due.length > 0) busyUntil = Date.now() + intervalMs;
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
  /** whether the timer set is the one at rest, which an order placed brings forward */
  let resting = false;
  const schedule = () => {
    resting = Date.now() >= busyUntil;
    timer = setTimeout(() => {
      timer = undefined;
      void pass()
        .catch((error: unknown) => opts.log.warn({ err: error }, 'recovery sweep: pass failed'))
        .finally(() => {
          if (!stopped) schedule();
        });
    }, resting ? restIntervalMs : intervalMs);
    timer.unref();
  };
  schedule();

  return {
    pass,
    wake() {
      // An order younger than the grace is its request's: the first pass that may take it comes after grace + interval.
      busyUntil = Date.now() + graceMs + intervalMs;
      // A pass running now schedules the next one itself, from busyUntil.
      if (!resting || stopped || timer === undefined) return;
      clearTimeout(timer);
      schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
