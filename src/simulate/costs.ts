import type { RunReport } from '../model/schema.ts';
import type { Style } from '../model/style.ts';
import { BROKER, FLOWS, handlingsOf, linkCrossingsOf } from './flows.ts';

/** Mean CPU ms per handling, per station, for one style, and where the figures came from. */
export interface StyleCosts {
  readonly style: Style;
  readonly serviceMs: Readonly<Record<string, number>>;
  readonly source: string;
}

/**
 * Mean CPU ms the link processes spent per crossing of the style's flow, from a run with links (its
 * `links` block): all links' CPU per order over the flow's crossings per order. What the links carry
 * beyond the flow (auth's keys, the broker's pings, pulls and acks) is spread over those crossings.
 * Undefined for a run without links.
 */
export function linkCpuMsOfRun(run: RunReport): number | undefined {
  if (!run.links || Object.keys(run.links).length === 0) return undefined;
  const perOrder = Object.values(run.links).reduce((sum, link) => sum + link.cpuMsPerOrder, 0);
  const crossings = linkCrossingsOf(FLOWS[run.style]);
  return crossings > 0 ? perOrder / crossings : undefined;
}

/** The processes a bench run measures that are stations of the model, by the name the run gives them. */
const STATION_OF: Readonly<Record<string, string>> = {
  gateway: 'gateway',
  auth: 'auth',
  billing: 'billing',
  order: 'order',
  notification: 'notification',
  'nats-server': BROKER,
};

/**
 * A style's costs from a processes-topology bench run: each process's CPU per accepted order
 * (replicas added up), split evenly over the handlings the style's flow gives it per order (the
 * broker's over its messages). The run's idle work (relay polls, timers, GC) counts too, so a run
 * near the rates to be predicted calibrates better than an idle one.
 */
export function costsOfRun(run: RunReport, source: string): StyleCosts {
  if (!run.environment.topology.startsWith('processes')) {
    throw new Error(`${source}: the ${run.style} run is not of the processes topology; its CPU is not split by service`);
  }
  const handlings = handlingsOf(FLOWS[run.style]);
  const serviceMs: Record<string, number> = {};
  for (const [name, cost] of Object.entries(run.cost.byService)) {
    const station = STATION_OF[name];
    const per = station ? handlings[station] : undefined;
    if (station && per) serviceMs[station] = cost.cpuMsPerOrder / per;
  }
  return { style: run.style, serviceMs, source: `${source} (${run.style}, ${run.throughput.offered.toFixed(0)}/s, ${run.environment.cpuCount} cores)` };
}

/**
 * Built in, so `simulate` answers without a calibration file: CPU ms per accepted order per process
 * from processes-topology runs on the development machine (2 cores, shared with other work, so
 * to be measured again on a quiet one): rest `compare --topology processes --rate 20 --duration 3s`,
 * notification `bench --topology processes --rate 40 --duration 8s`, collaboration
 * `simulate --validate --rates 20,40 --duration 5s` (its 40/s run without links). Split as
 * costsOfRun splits them. A user's own run (`--from`) replaces them.
 */
export const BUILT_IN_CPU_MS_PER_ORDER: Readonly<Record<Style, Readonly<Record<string, number>>>> = {
  rest: { gateway: 2.25, auth: 1.38, billing: 1.62, order: 7.25, notification: 4.62 },
  notification: { gateway: 2.15, auth: 1.2, billing: 4.12, order: 6.42, notification: 3.3, 'nats-server': 1.95 },
  collaboration: { gateway: 1.81, auth: 0.23, billing: 2.14, order: 4.18, notification: 2.27, 'nats-server': 1.51 },
};

export function builtInCosts(style: Style): StyleCosts {
  const handlings = handlingsOf(FLOWS[style]);
  const serviceMs: Record<string, number> = {};
  for (const [name, ms] of Object.entries(BUILT_IN_CPU_MS_PER_ORDER[style])) {
    const station = STATION_OF[name]!;
    const per = handlings[station];
    if (per) serviceMs[station] = ms / per;
  }
  return { style, serviceMs, source: 'built-in figures from the development machine' };
}
