import type { Calibration, Primitives } from '../model/calibration.ts';
import type { RunCeiling, RunReport } from '../model/schema.ts';
import type { Style } from '../model/style.ts';

/** What one order costs in this machine's primitives. */
export interface OrderHops {
  /** HTTP round trips inside the system: service-to-service calls plus the edge (EDGE_HTTP_PER_ORDER) */
  readonly http: number;
  /** JetStream publish → durable consume → ack rounds */
  readonly messages: number;
  /** SQLite commits */
  readonly commits: number;
}

/**
 * The HTTP every style makes at its edge, in round trips: the order arriving at the gateway (the
 * server half of one), the gateway's proxied call to the order service (a whole one), and the
 * notification's webhook to the load generator's sink (the client half of one).
 */
export const EDGE_HTTP_PER_ORDER = 2;

/**
 * Hops per order of each style when no run says otherwise. Calls and messages are what
 * docs/ARCHITECTURE.md ("Styles") reports as measured: rest 3 service-to-service calls; notification
 * 4 read-backs and 3 messages; collaboration 3 messages and no calls. Commits are counted along each
 * style's code path, as no counter measures them: rest creates the order, pays, notifies, and applies the
 * outcome with the settlement's mark in one commit (4); the event styles commit the same four effects,
 * each consumed one with its inbox row (4). Group commit (services/kernel/group-commit.ts) can share a
 * commit between orders that arrive together; the table counts a unit of work alone, as at low rates. Their relays mark published rows sent in shared
 * statements, one per 10 ms at most (outbox-marks.ts MARK_DELAY_MS), which near a ceiling comes to nothing per order.
 */
export const KNOWN_HOPS: Readonly<Record<Style, OrderHops>> = {
  rest: { http: 3 + EDGE_HTTP_PER_ORDER, messages: 0, commits: 4 },
  notification: { http: 4 + EDGE_HTTP_PER_ORDER, messages: 3, commits: 4 },
  collaboration: { http: 0 + EDGE_HTTP_PER_ORDER, messages: 3, commits: 4 },
};

/** The model, as the output and the docs state it. */
export const CEILING_MODEL = [
  'ceiling = cores × 1000 / CPU ms per order; CPU per order = Σ hops × CPU per primitive',
  '(HTTP round trips, JetStream rounds, SQLite commits, each measured alone at saturation on this machine).',
  'It leaves out the domain work, JSON schemas of real bodies, tokens, metrics, tracing, relay polling and queueing,',
  'and assumes every core does nothing else; one Node process (inproc) uses about one core.',
].join(' ');

export interface Ceiling {
  readonly hops: OrderHops;
  /** CPU ms per order by the model */
  readonly cpuMsPerOrder: number;
  /** the model's CPU per order in hello requests' worth */
  readonly helloPerOrder: number;
  /** orders per second this machine's cores could hold if they did nothing but the primitives */
  readonly ordersPerSecond: number;
  readonly cores: number;
}

/** The model applied to one style's hops. */
export function ceilingOf(hops: OrderHops, primitives: Primitives, cores: number): Ceiling {
  const cpuUs = hops.http * primitives.http.cpuUsPerOp + hops.messages * primitives.jetstream.cpuUsPerOp + hops.commits * primitives.sqlite.cpuUsPerOp;
  const cpuMsPerOrder = cpuUs / 1000;
  return {
    hops,
    cpuMsPerOrder,
    helloPerOrder: cpuUs / primitives.hello.cpuUsPerOp,
    ordersPerSecond: cpuMsPerOrder > 0 ? (cores * 1000) / cpuMsPerOrder : Number.POSITIVE_INFINITY,
    cores,
  };
}

/**
 * A run's hops: its measured service-to-service requests and messages per order, plus the edge;
 * commits from KNOWN_HOPS (nothing counts them). A run whose counters saw neither a call nor a
 * message (no order placed, or the scrape missed them: every style makes one or the other) gets the known hops.
 */
export function hopsOfRun(run: RunReport): OrderHops & { readonly source: 'run' | 'known' } {
  const known = KNOWN_HOPS[run.style];
  const counted = run.orders.placed > 0 && run.readLoad.total + run.messages.total > 0;
  if (!counted || !Number.isFinite(run.readLoad.perOrder) || !Number.isFinite(run.messages.perOrder)) return { ...known, source: 'known' };
  return { http: run.readLoad.perOrder + EDGE_HTTP_PER_ORDER, messages: run.messages.perOrder, commits: known.commits, source: 'run' };
}

/**
 * The rate a run held: the highest rate held when a ramp found one, else the orders completed per
 * second, no more than were offered (a backlog from the warm-up finishing in the window is not capacity).
 */
export function heldRateOf(run: RunReport, rampMaxRate?: number | null): number {
  return rampMaxRate ?? Math.min(run.throughput.completed, run.throughput.offered);
}

/** The run with its place against this machine's ceiling added. */
export function withCeiling(run: RunReport, calibration: Calibration, rampMaxRate?: number | null): RunReport {
  const { source, ...hops } = hopsOfRun(run);
  const ceiling = ceilingOf(hops, calibration.primitives, calibration.cores);
  const heldRate = heldRateOf(run, rampMaxRate);
  const value: RunCeiling = {
    heldRate,
    ordersPerSecond: ceiling.ordersPerSecond,
    efficiency: heldRate / ceiling.ordersPerSecond,
    modelCpuMsPerOrder: ceiling.cpuMsPerOrder,
    helloPerOrder: (run.cost.cpuMsPerOrder * 1000) / calibration.primitives.hello.cpuUsPerOp,
    helloShare: heldRate / calibration.primitives.hello.perSecond,
    hops: ceiling.hops,
    hopsFrom: source,
    cores: ceiling.cores,
    calibratedAt: calibration.createdAt,
  };
  return { ...run, ceiling: value };
}

/** Each style's ceiling from the known hops: what `interplay calibrate` prints. */
export function knownCeilings(calibration: Calibration): Record<Style, Ceiling> {
  const of = (style: Style) => ceilingOf(KNOWN_HOPS[style], calibration.primitives, calibration.cores);
  return { rest: of('rest'), notification: of('notification'), collaboration: of('collaboration') };
}
