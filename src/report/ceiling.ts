import { CEILING_MODEL } from '../analyse/ceiling.ts';
import type { Calibration } from '../model/calibration.ts';
import type { RunReport } from '../model/schema.ts';
import { grid } from './calibration.ts';
import { count, percent, rate, sig3 } from './format.ts';

/**
 * At half the rate a style held, a p99 far above the p50 is queueing (a poll, a batch that waits, a
 * lock across an await), not saturation: the target is p99 completion within this many times p50.
 */
export const HALF_LOAD_P99_OVER_P50 = 5;

/** A style's ramp, as `interplay ceiling` shows it: the run at the highest rate held, with its ceiling. */
export interface CeilingRamp {
  readonly style: string;
  readonly run: RunReport | null;
}

/** A style at half the rate it held. */
export interface HalfRateRun {
  readonly style: string;
  readonly rate: number;
  readonly run: RunReport;
}

/** Per style: the rate held, its share of hello's rate, CPU per order in hellos, completion there, and the efficiency against the ceiling. */
export function renderCeilingRamps(ramps: readonly CeilingRamp[], calibration: Calibration): string {
  const hello = calibration.primitives.hello;
  const rows = ramps.map(({ style, run }) => {
    const c = run?.ceiling;
    if (!run || !c) return [style, 'none held', '–', '–', '–', '–', '–', '–'];
    return [
      style,
      rate(c.heldRate),
      percent(c.helloShare),
      sig3(c.helloPerOrder),
      sig3(run.latency.completion.p50),
      sig3(run.latency.completion.p99),
      count(c.ordersPerSecond),
      percent(c.efficiency),
    ];
  });
  return [
    `per style against the hello reference (${count(hello.perSecond)} req/s, ${sig3(hello.cpuUsPerOp)} µs CPU each) and this machine's ceiling`,
    ...grid(['style', 'held /s', 'of hello', 'CPU /order in hellos', 'completion p50 ms', 'p99 ms', 'ceiling /s', 'efficiency'], rows),
    '',
    CEILING_MODEL,
  ].join('\n');
}

/** Per style at half the rate held: CPU per order and completion, with p99 ÷ p50 against the target. */
export function renderHalfRates(halves: readonly HalfRateRun[]): string {
  const rows = halves.map(({ style, rate: r, run }) => {
    const { p50, p99 } = run.latency.completion;
    return [
      style,
      rate(r),
      sig3(run.cost.cpuMsPerOrder),
      run.ceiling ? sig3(run.ceiling.helloPerOrder) : '–',
      sig3(p50),
      sig3(p99),
      p50 > 0 ? `${sig3(p99 / p50)}${p99 / p50 <= HALF_LOAD_P99_OVER_P50 ? '' : ' (over)'}` : '–',
      count(run.orders.failed),
      count(run.orders.pending),
    ];
  });
  return [
    `at half the rate held (target: p99 completion ≤ ${HALF_LOAD_P99_OVER_P50}× p50)`,
    ...grid(['style', 'rate /s', 'CPU ms /order', 'in hellos', 'completion p50 ms', 'p99 ms', 'p99 ÷ p50', 'failed', 'pending'], rows),
  ].join('\n');
}
