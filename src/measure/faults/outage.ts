import type { Anomaly } from '../../analyse/index.ts';
import { appliesTo, isClusterComponent, isPostgresComponent, NODES_LOST, outageWindow, type Component } from '../../scenarios/faults.ts';
import { nodesToLose, refusedPublishes } from './outage-nats.ts';
import { postgresFaultUnfit, terminateServiceConnections } from './outage-postgres.ts';
import type { Style } from '../../model/style.ts';
import { now } from '../engine/clock.ts';
import { brokerOf, startFaultSystem, type FaultLoadOptions, type FaultSystem } from './fault-system.ts';
import { outageCost, type OutageCost, type OutageSpan } from './outage-cell.ts';
import { expectationsOf, placeOrders } from './order-load.ts';

/** The outage falls in the middle of `durationMs`; `drainMs` is also the settle window of the check. */
export interface OutageOptions extends FaultLoadOptions {
  readonly styles: readonly Style[];
  readonly components: readonly Component[];
  /** ms the component stays down */
  readonly downMs: number;
}

export type OutageCell =
  | { readonly component: Component; readonly applies: false; readonly reason: string }
  | (OutageCost & {
      readonly component: Component;
      readonly applies: true;
      /** ms after the load started: stopped, and back */
      readonly span: { readonly downAtMs: number; readonly upAtMs: number };
      /**
       * orders the system kept although the client was not answered 201 (a 503 after the charge, when
       * a later step failed): a client retrying without an Idempotency-Key would place them twice
       */
      readonly placedAnyway: number;
      /** what the invariant checker found after the system settled */
      readonly anomalies: readonly Anomaly[];
      /** nats-node, nats-2-nodes: the nodes SIGKILLed, and the publishes the relays saw refused during the cell (each retried) */
      readonly nats?: { readonly nodesLost: readonly string[]; readonly publishesRefused: number };
      /** what the client was answered for the orders sent while the component was down: HTTP status (or "error") → count */
      readonly answersDuring: Readonly<Record<string, number>>;
      /** postgres-connections: the services' connections pg_terminate_backend ended at the window's start */
      readonly postgres?: { readonly connectionsEnded: number };
    });

export interface OutageResult {
  readonly schema: 'interplay/outage@1';
  readonly config: Omit<OutageOptions, 'onProgress'>;
  /** one system per style, reused across its components: restarted, settled, checked, then the next */
  readonly reusedSystems: true;
  readonly styles: readonly { readonly style: Style; readonly cells: readonly OutageCell[] }[];
}

/** ms for a stopped component to be back and every process up before the next cell */
const ALL_UP_TIMEOUT_MS = 60_000;

/**
 * The outage matrix: per style, one system in the processes topology; per component, steady load,
 * the component stopped for `downMs` in the middle of the window and started again, the load going on,
 * then a drain, and the invariant check before the next component.
 */
export async function runOutage(opts: OutageOptions): Promise<OutageResult> {
  const styles = [];
  for (const style of opts.styles) styles.push({ style, cells: await rowOf(style, opts) });
  const { onProgress: _p, ...config } = opts;
  return { schema: 'interplay/outage@1', config, reusedSystems: true, styles };
}

async function rowOf(style: Style, opts: OutageOptions): Promise<OutageCell[]> {
  const say = (line: string) => opts.onProgress?.(`${style}: ${line}`);
  say('starting');
  const fs = await startFaultSystem({ style, users: opts.users, ...brokerOf(opts), ...(opts.store ? { store: opts.store } : {}) });
  try {
    const cells: OutageCell[] = [];
    const seen: Seen = { told: new Set(), untold: 0 };
    for (const component of opts.components) {
      if (!appliesTo(component, style)) cells.push({ component, applies: false, reason: 'the RESTful style has no broker' });
      else if (component === 'nats' && !fs.system.broker) cells.push({ component, applies: false, reason: 'the broker was given by URL; only a private nats-server is stopped' });
      else if (isClusterComponent(component) && (fs.system.brokerNodes?.length ?? 0) <= NODES_LOST[component]) {
        cells.push({ component, applies: false, reason: 'needs a private cluster with more nodes than are lost: --nats-cluster 3 or 5' });
      }
      else if (isPostgresComponent(component) && postgresFaultUnfit(opts.store, fs.system.postgres)) {
        cells.push({ component, applies: false, reason: postgresFaultUnfit(opts.store, fs.system.postgres)! });
      }
      else cells.push(await cellOf(fs, component, opts, seen, say));
    }
    return cells;
  } finally {
    await fs.close();
  }
}

/** What the earlier cells on this system left: every order id a 201 carried, and how many orders the system kept without one. */
interface Seen {
  readonly told: Set<string>;
  untold: number;
}

async function cellOf(fs: FaultSystem, component: Component, opts: OutageOptions, seen: Seen, say: (line: string) => void): Promise<OutageCell> {
  const window = outageWindow(opts);
  say(`${component}: loading at ${opts.rate}/s, down for ${window.downMs / 1000} s`);
  const refusedBefore = isClusterComponent(component) ? await refusedPublishes(fs.system.services) : 0;
  const load = placeOrders({ ...opts, baseUrl: fs.system.url, users: fs.users });
  const loadStart = now();
  let nodesLost: string[] = [];
  let connectionsEnded = 0;
  const outage = (async (): Promise<OutageSpan> => {
    await new Promise((resolve) => setTimeout(resolve, window.downAtMs));
    const downAt = now();
    if (isClusterComponent(component)) nodesLost = await takeNodesDown(fs, NODES_LOST[component]);
    else if (component === 'postgres-connections') connectionsEnded = await terminateServiceConnections(fs.system.postgres!, opts.store);
    else await takeDown(fs, component);
    await new Promise((resolve) => setTimeout(resolve, window.downMs));
    if (isClusterComponent(component)) await bringNodesBack(fs, nodesLost);
    else await bringBack(fs, component);
    return { downAt, upAt: now() };
  })();
  await load.run.result;
  const span = await outage;
  const accepted = load.attempts.flatMap((a) => a.orderId ?? []);
  say(`${component}: draining`);
  await fs.sink.waitFor(accepted, opts.drainMs);
  await fs.allUp(ALL_UP_TIMEOUT_MS);
  for (const id of accepted) seen.told.add(id);
  const { anomalies, state } = await fs.check(expectationsOf(fs.users, load.attempts), opts.drainMs);
  const untold = state.users.flatMap((u) => u.orders).filter((o) => !seen.told.has(o.id)).length;
  const placedAnyway = untold - seen.untold;
  seen.untold = untold;
  return {
    component,
    applies: true,
    span: { downAtMs: span.downAt - loadStart, upAtMs: span.upAt - loadStart },
    ...outageCost(load.attempts, (id) => fs.sink.receivedAt(id), span),
    placedAnyway,
    anomalies,
    answersDuring: answersOf(load.attempts, span),
    ...(isClusterComponent(component) ? { nats: { nodesLost, publishesRefused: (await refusedPublishes(fs.system.services)) - refusedBefore } } : {}),
    ...(component === 'postgres-connections' ? { postgres: { connectionsEnded } } : {}),
  };
}

/** HTTP status → count, of the orders sent inside the span: shows what a stopped component turned into (503, 502, no answer) */
function answersOf(attempts: readonly { readonly intendedAt: number; readonly status: number | 'error' }[], span: OutageSpan): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of attempts) if (a.intendedAt >= span.downAt && a.intendedAt < span.upAt) counts[String(a.status)] = (counts[String(a.status)] ?? 0) + 1;
  return counts;
}

/** SIGKILLs `count` nodes of the private cluster, the orders' stream leader first; their names. */
async function takeNodesDown(fs: FaultSystem, count: number): Promise<string[]> {
  const nodes = await nodesToLose(fs.system.brokerNodes ?? [], count, fs.system.namespace ? `${fs.system.namespace}_ORDERS` : undefined);
  await Promise.all(nodes.map((node) => node.halt('SIGKILL')));
  return nodes.map((node) => node.name);
}

async function bringNodesBack(fs: FaultSystem, names: readonly string[]): Promise<void> {
  await Promise.all((fs.system.brokerNodes ?? []).filter((node) => names.includes(node.name)).map((node) => node.resume()));
}

/**
 * Stops a component for the window. postgres-connections has nothing to stop: its connections were
 * ended at the window's start, and the window measures how the pools reconnect.
 */
async function takeDown(fs: FaultSystem, component: Component): Promise<void> {
  if (component === 'nats') await fs.system.broker?.halt('SIGTERM');
  else if (component === 'postgres') await fs.system.postgres?.halt();
  else if (component === 'postgres-connections') return;
  else await fs.system.supervisor.stop(component);
}

async function bringBack(fs: FaultSystem, component: Component): Promise<void> {
  if (component === 'nats') await fs.system.broker?.resume();
  else if (component === 'postgres') await fs.system.postgres?.start();
  else if (component === 'postgres-connections') return;
  else await fs.system.supervisor.startAgain(component);
}
