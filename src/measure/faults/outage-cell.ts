import type { OrderAttempt } from './order-load.ts';
import { recoveryAfter, type Recovery } from './recovery.ts';

/** When the component was down, on `clock.now()` (ms). */
export interface OutageSpan {
  /** when it was stopped */
  readonly downAt: number;
  /** when it was back: started again and ready */
  readonly upAt: number;
}

/** What one outage cost, from the client's side. */
export interface OutageCost {
  /** orders sent before the outage, and answered 201 */
  readonly before: { readonly sent: number; readonly accepted: number };
  /** orders sent while the component was down, answered 201, and of those completed (notification delivered) */
  readonly during: { readonly sent: number; readonly accepted: number; readonly completed: number };
  /** share (0..1) of the orders sent during the outage that were answered 201 */
  readonly acceptedShare: number;
  /** share (0..1) of those accepted during the outage that completed in the end; null when none was accepted */
  readonly completedShare: number | null;
  /** share (0..1) of every order accepted in the run that completed in the end; null when none was */
  readonly completedShareAll: number | null;
  /** ms from recovery until the last order accepted during the outage completed; null when none completed */
  readonly drainMs: number | null;
  /** from the component's return until every order accepted before or during the outage was notified (recovery.ts) */
  readonly recovery: Recovery;
  /**
   * ms, p99 from intended send to delivered notification: before, of the orders that were sent and
   * completed before the outage (the steady state; one sent a moment before it and caught by it
   * belongs to its cost, not to the baseline); during, of the orders sent during it. null without any.
   */
  readonly p99Before: number | null;
  readonly p99During: number | null;
}

/** Exact percentile of a few hundred values (nearest rank); null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Splits a run's attempts at the outage and says what it cost. Pure: `completedAt` is the sink's delivery time per order. */
export function outageCost(attempts: readonly OrderAttempt[], completedAt: (orderId: string) => number | undefined, span: OutageSpan): OutageCost {
  const before = attempts.filter((a) => a.intendedAt < span.downAt);
  const during = attempts.filter((a) => a.intendedAt >= span.downAt && a.intendedAt < span.upAt);
  const latencies = (list: readonly OrderAttempt[], until = Number.POSITIVE_INFINITY) =>
    list.flatMap((a) => {
      const at = a.orderId === undefined ? undefined : completedAt(a.orderId);
      return at === undefined || at >= until ? [] : [at - a.intendedAt];
    });
  const acceptedDuring = during.filter((a) => a.orderId !== undefined);
  const doneDuring = acceptedDuring.flatMap((a) => completedAt(a.orderId!) ?? []);
  const acceptedAll = attempts.filter((a) => a.orderId !== undefined);
  const doneAll = acceptedAll.filter((a) => completedAt(a.orderId!) !== undefined).length;
  const share = (n: number, of: number) => (of === 0 ? null : n / of);
  return {
    before: { sent: before.length, accepted: before.filter((a) => a.orderId !== undefined).length },
    during: { sent: during.length, accepted: acceptedDuring.length, completed: doneDuring.length },
    acceptedShare: share(acceptedDuring.length, during.length) ?? 0,
    completedShare: share(doneDuring.length, acceptedDuring.length),
    completedShareAll: share(doneAll, acceptedAll.length),
    drainMs: doneDuring.length === 0 ? null : Math.max(0, Math.max(...doneDuring) - span.upAt),
    recovery: recoveryAfter(attempts, completedAt, span.upAt),
    p99Before: percentile(latencies(before, span.downAt), 99),
    p99During: percentile(latencies(during), 99),
  };
}
