import type { RunReport } from '../../model/schema.ts';
import { benchStyle, type BenchOptions } from './bench.ts';

export interface FindMaxOptions extends Omit<BenchOptions, 'rate' | 'mode'> {
  /** ms; the p99 completion latency a rate must stay under */
  readonly sloMs: number;
  /** orders per second of the first step */
  readonly startRate: number;
  /** each step offers this many times the previous one; default 1.5 */
  readonly factor?: number;
  /** at most this many steps up; default 10 */
  readonly maxSteps?: number;
  /** bisections between the last rate held and the first not held; default 2 */
  readonly refineSteps?: number;
  readonly onStep?: (step: RampStep) => void;
}

export interface RampStep {
  readonly rate: number;
  readonly held: boolean;
  /** why the rate was not held */
  readonly reason?: string;
  readonly completionP99: number;
  readonly completed: number;
}

export interface FindMaxResult {
  readonly schema: 'interplay/find-max@1';
  readonly style: string;
  readonly sloMs: number;
  /** the highest rate held, or null when even the first step was not */
  readonly maxRate: number | null;
  readonly steps: readonly RampStep[];
  /** the run at the highest rate held */
  readonly run: RunReport | null;
}

/** A rate is held when every order completed within the SLO at p99, and nothing piled up. */
export function judge(run: RunReport, sloMs: number): string | undefined {
  const { orders, throughput, latency } = run;
  if (orders.failed > 0) return `${orders.failed} orders failed`;
  if (orders.shed > 0) return `${orders.shed} orders shed as overload`;
  if ((orders.limited ?? 0) > 0) return `${orders.limited} orders refused by a limit (429)`;
  if (orders.dropped > 0) return `${orders.dropped} sends dropped at the in-flight cap`;
  if (orders.pending > 0) return `${orders.pending} orders still pending after the drain`;
  if (latency.completion.p99 > sloMs) return `p99 completion ${latency.completion.p99.toFixed(1)} ms > ${sloMs} ms`;
  // Completions falling behind arrivals is a backlog that grows with the run's length.
  if (throughput.completed < 0.95 * throughput.offered) {
    return `completed ${throughput.completed.toFixed(1)}/s of ${throughput.offered.toFixed(1)}/s offered`;
  }
  return undefined;
}

/** Ramps the open-loop rate geometrically until a rate is not held, then bisects between the last rate held and that one. */
export async function findMax(opts: FindMaxOptions): Promise<FindMaxResult> {
  const steps: RampStep[] = [];
  let best: RunReport | null = null;
  let failed: number | undefined;
  const attempt = async (rate: number): Promise<boolean> => {
    let run = await benchStyle({ ...opts, mode: 'open', rate });
    let reason = judge(run, opts.sloMs);
    if (reason) {
      // One hiccup of a shared machine (a GC pause, a neighbour's burst) is not a limit: a rate
      // is given up only when a second run at it fails too.
      run = await benchStyle({ ...opts, mode: 'open', rate });
      reason = judge(run, opts.sloMs);
    }
    const step = { rate, held: reason === undefined, ...(reason ? { reason } : {}), completionP99: run.latency.completion.p99, completed: run.throughput.completed };
    steps.push(step);
    opts.onStep?.(step);
    if (reason) failed = rate;
    else best = run;
    return reason === undefined;
  };

  let rate = opts.startRate;
  for (let i = 0; i < (opts.maxSteps ?? 10) && (await attempt(rate)); i++) rate = Math.round(rate * (opts.factor ?? 1.5));
  // Narrow the gap between the last rate held and the first one not held.
  for (let i = 0; i < (opts.refineSteps ?? 2) && failed !== undefined; i++) {
    const low = (best as RunReport | null)?.config.rate ?? 0;
    const mid = Math.round((low + failed) / 2);
    if (mid <= low || mid >= failed) break;
    await attempt(mid);
  }
  const held = best as RunReport | null;
  return { schema: 'interplay/find-max@1', style: opts.style, sloMs: opts.sloMs, maxRate: held?.config.rate ?? null, steps, run: held };
}
