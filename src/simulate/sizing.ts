import { FLOWS, handlingsOf } from './flows.ts';
import type { ModelInput, ModelResult } from './model-io.ts';
import { simulate } from './simulate.ts';

/** `completion.p99<250ms`: what a held rate must keep. */
export interface Slo {
  readonly metric: 'accept' | 'completion';
  readonly quantile: 'p50' | 'p99';
  readonly ms: number;
}

export function parseSlo(text: string): Slo | undefined {
  const match = /^\s*(accept|completion)\.(p50|p99)\s*<\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$/.exec(text);
  if (!match) return undefined;
  return { metric: match[1] as Slo['metric'], quantile: match[2] as Slo['quantile'], ms: Number(match[3]) * (match[4] === 's' ? 1000 : 1) };
}

export const describeSlo = (slo: Slo): string => `${slo.metric}.${slo.quantile} < ${slo.ms} ms`;

/**
 * A station busier than this has a queue that may still be growing when a simulation of a few
 * seconds ends, so a rate that needs it is not counted as held (find-max's rule of completions
 * keeping up with arrivals, applied where the model can see it: per station).
 */
export const MAX_UTILISATION = 0.95;

/** Whether a result keeps the SLO: the percentile under it, nothing failed or left pending, no station saturated. */
export function holds(result: ModelResult, slo: Slo): boolean {
  const busiest = Math.max(0, ...Object.values(result.utilisation));
  return result[slo.metric][slo.quantile] < slo.ms && result.failed === 0 && result.pending === 0 && busiest < MAX_UTILISATION;
}

/** Orders per second the stations could serve at 100 % busy: the smallest servers ÷ (handlings × ms). */
export function capacityOf(input: Pick<ModelInput, 'style' | 'servers' | 'serviceMs'>): number {
  const handlings = handlingsOf(FLOWS[input.style]);
  let capacity = Number.POSITIVE_INFINITY;
  for (const [station, per] of Object.entries(handlings)) {
    const ms = input.serviceMs[station] ?? 0;
    if (ms > 0) capacity = Math.min(capacity, ((input.servers[station] ?? 1) * 1000) / (per * ms));
  }
  return capacity;
}

/** orders a sizing simulation runs: a few seconds of arrivals, at least enough for a stable p99 */
const ordersFor = (rate: number) => Math.max(20_000, Math.round(rate * 5));

/**
 * The highest rate that keeps the SLO with these servers, to 1 %: a bisection between 0 and the
 * stations' capacity. Null when not even a trickle keeps it (the links alone break it).
 */
export function heldRate(base: Omit<ModelInput, 'rate' | 'orders'>, slo: Slo): { rate: number; result: ModelResult } | null {
  let high = capacityOf(base);
  if (!Number.isFinite(high)) high = 1_000_000;
  let low = 0;
  let best: { rate: number; result: ModelResult } | null = null;
  for (let i = 0; i < 30 && high - low > Math.max(0.5, low * 0.01); i++) {
    const rate = i === 0 ? high * 0.01 : (low + high) / 2;
    const result = simulate({ ...base, rate, orders: ordersFor(rate) });
    if (holds(result, slo)) {
      low = rate;
      best = { rate, result };
    } else if (i === 0) {
      return null;
    } else {
      high = rate;
    }
  }
  return best;
}

export interface Sizing {
  /** replicas per station; each replica has `cores` servers */
  readonly replicas: Readonly<Record<string, number>>;
  readonly result: ModelResult;
  readonly held: boolean;
}

/**
 * The fewest replicas per station that keep the SLO at `rate`: start where every station is just
 * under fully busy, add a replica to the busiest station until the SLO holds, then take back any
 * replica whose removal still keeps it. Greedy, so the fewest within one replica per station.
 */
export function sizeReplicas(base: Omit<ModelInput, 'servers' | 'orders'>, slo: Slo, cores: Readonly<Record<string, number>>, maxSteps = 400): Sizing {
  const handlings = handlingsOf(FLOWS[base.style]);
  const coresOf = (s: string) => cores[s] ?? 1;
  const at = (utilisation: number) =>
    Object.fromEntries(
      Object.entries(handlings).map(([station, per]) => [station, Math.max(1, Math.ceil((base.rate * per * (base.serviceMs[station] ?? 0)) / 1000 / utilisation / coresOf(station)))]),
    );
  const run = (replicas: Record<string, number>) =>
    simulate({ ...base, orders: ordersFor(base.rate), servers: Object.fromEntries(Object.entries(replicas).map(([s, n]) => [s, n * coresOf(s)])) });
  // With every station at most 30 % busy, queueing adds little: if the SLO fails there, the links
  // and the service times alone break it, and no number of replicas keeps it.
  const ample = at(0.3);
  const floor = run(ample);
  if (!holds(floor, slo)) return { replicas: ample, result: floor, held: false };
  const replicas: Record<string, number> = at(0.9);
  let result = run(replicas);
  let steps = 0;
  while (!holds(result, slo) && steps++ < maxSteps) {
    const growable = Object.keys(replicas).filter((s) => replicas[s]! < ample[s]!);
    if (growable.length === 0) return { replicas: ample, result: floor, held: true };
    const busiest = growable.sort((a, b) => (result.utilisation[b] ?? 0) - (result.utilisation[a] ?? 0))[0]!;
    // A tenth more at a time, so a station of hundreds of replicas is sized in a few steps.
    replicas[busiest] = Math.min(ample[busiest]!, replicas[busiest]! + Math.max(1, Math.ceil(replicas[busiest]! / 10)));
    result = run(replicas);
  }
  if (!holds(result, slo)) return { replicas, result, held: false };
  for (const station of Object.keys(replicas)) {
    while (replicas[station]! > 1) {
      replicas[station]!--;
      const fewer = run(replicas);
      if (!holds(fewer, slo)) {
        replicas[station]!++;
        break;
      }
      result = fewer;
    }
  }
  return { replicas, result, held: true };
}
