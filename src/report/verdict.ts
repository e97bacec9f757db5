import { count } from './format.ts';
import type { RunReport } from '../model/schema.ts';

/** Whether a bench or compare did what it was asked, and if not, why in one line. */
export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** the ramp of a `--find-max` run, as far as the verdict needs it */
export interface RampOutcome {
  readonly style: string;
  /** the highest rate held; null when none was */
  readonly maxRate: number | null;
}

/** "3 failed, 2 pending": the orders of a run that did not end paid or rejected, or were never sent; "" when none */
export function orderFailures(run: RunReport): string {
  const { failed, pending, dropped } = run.orders;
  return [
    ...(failed > 0 ? [`${count(failed)} failed`] : []),
    ...(pending > 0 ? [`${count(pending)} pending`] : []),
    ...(dropped > 0 ? [`${count(dropped)} dropped`] : []),
  ].join(', ');
}

/**
 * A run fails when any order failed, stayed pending or was dropped: a measurement of a system
 * that lost orders is no measurement of what the style costs. A ramp fails when it held no rate.
 */
export function verdict(runs: readonly RunReport[], ramps: readonly RampOutcome[] = []): Verdict {
  const lost = runs.flatMap((run) => {
    const what = orderFailures(run);
    return what ? [`${run.style} ${what}`] : [];
  });
  const unheld = ramps.filter((r) => r.maxRate === null).map((r) => r.style);
  const reasons = [
    ...(lost.length > 0 ? [`not every order finished: ${lost.join('; ')}`] : []),
    ...(unheld.length > 0 ? [`--find-max held no rate: ${unheld.join(', ')}`] : []),
  ];
  return reasons.length === 0 ? { ok: true } : { ok: false, reason: reasons.join('; ') };
}
