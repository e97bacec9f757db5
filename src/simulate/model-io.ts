/** What the model takes (`ModelInput`) and gives (`ModelResult`), and how it sums latencies up. */
import type { LinksConfig } from '../runtime/links/profile.ts';
import type { Style } from '../model/style.ts';

/** A component the model takes down for an interval: a service (all its replicas) or the broker. */
export interface Down {
  readonly station: string;
  /** ms from the first arrival */
  readonly fromMs: number;
  readonly toMs: number;
}

export interface ModelInput {
  readonly style: Style;
  /** Poisson arrivals per second */
  readonly rate: number;
  /** orders measured, after the warm-up */
  readonly orders: number;
  /** orders before them, left out of every figure; default 10 % of `orders`, at least 100 */
  readonly warmupOrders?: number;
  /** servers per station (replicas × cores); default 1 */
  readonly servers: Readonly<Record<string, number>>;
  /** mean CPU ms per handling, per station */
  readonly serviceMs: Readonly<Record<string, number>>;
  /** coefficient of variation of a handling's CPU; default 1 (exponential) */
  readonly serviceCv?: number;
  /** latency between the stations; the gateway's calls, like the real topology's, are direct */
  readonly links?: LinksConfig;
  readonly down?: Down;
  readonly seed?: number;
  /**
   * One machine: every handling of every station queues for these cores instead of its station's own
   * servers, as the processes of one host share its CPU (what --validate predicts). Default: none,
   * each station has its servers to itself.
   */
  readonly machineCores?: number;
  /**
   * With `machineCores` and `links`: mean CPU ms a link process spends on one crossing (a request, an
   * answer, a message to or from the broker), queued for the machine's cores before the crossing's
   * delay, as the relays shared the host's CPU with the services. Default 0.
   */
  readonly linkCpuMs?: number;
}

export interface LatencySummary {
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
}

export interface ModelResult {
  readonly style: Style;
  readonly rate: number;
  readonly orders: number;
  /** per second over the measured arrivals' window */
  readonly throughput: { readonly offered: number; readonly accepted: number; readonly completed: number };
  /** ms; an order never accepted or completed counts as infinitely late */
  readonly accept: LatencySummary;
  readonly completion: LatencySummary;
  /** orders answered 503 because a component they needed before the answer was down */
  readonly failed: number;
  /** measured orders accepted but not completed when the model stopped */
  readonly pending: number;
  /** busy fraction of each station's servers over the measured window */
  readonly utilisation: Readonly<Record<string, number>>;
  readonly servers: Readonly<Record<string, number>>;
  /** service-to-service HTTP calls per second (the gateway's not counted) */
  readonly readLoad: number;
  readonly outage?: {
    readonly station: string;
    /** orders in the system (arrived, not completed or failed) at the worst moment */
    readonly peakBacklog: number;
    /** ms from the component's return until every order that arrived before it completed; null: not within the run */
    readonly recoveryMs: number | null;
  };
  /** events the simulator ran */
  readonly events: number;
}

/** mean, p50 and p99 of the values; an infinite value (never happened) makes the mean infinite and counts in the percentiles */
export function summary(values: Float64Array): LatencySummary {
  if (values.length === 0) return { mean: Number.NaN, p50: Number.NaN, p99: Number.NaN };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  let sum = 0;
  for (const v of sorted) sum += v;
  return { mean: sum / sorted.length, p50: at(0.5), p99: at(0.99) };
}
