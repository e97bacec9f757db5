import { createRandom } from '../model/random.ts';
import type { Style } from '../model/style.ts';

/** What an outage can take down: a service (all its replicas) or the event styles' broker. */
export const COMPONENTS = ['auth', 'billing', 'order', 'notification', 'nats'] as const;
/**
 * What an outage can take down only when the run started a private cluster (--nats-cluster 3 or 5):
 * nats-node, one node SIGKILLed (a quorum of the rest keeps every stream writable); nats-2-nodes,
 * two SIGKILLed (on three nodes the quorum is lost, publishing is refused until they return).
 */
export const CLUSTER_COMPONENTS = ['nats-node', 'nats-2-nodes'] as const;
export type ClusterComponent = (typeof CLUSTER_COMPONENTS)[number];
/**
 * What an outage can take down only on `--store postgres` with a private server: postgres, the server
 * halted for the down window and started again; postgres-connections, every service database's
 * connections ended with pg_terminate_backend at the window's start (the pools connect anew).
 */
export const POSTGRES_COMPONENTS = ['postgres', 'postgres-connections'] as const;
export type PostgresComponent = (typeof POSTGRES_COMPONENTS)[number];
export type Component = (typeof COMPONENTS)[number] | ClusterComponent | PostgresComponent;

/** nodes of the cluster a cluster component SIGKILLs */
export const NODES_LOST: Readonly<Record<ClusterComponent, number>> = { 'nats-node': 1, 'nats-2-nodes': 2 };

export const isClusterComponent = (component: Component): component is ClusterComponent =>
  (CLUSTER_COMPONENTS as readonly string[]).includes(component);

export const isPostgresComponent = (component: Component): component is PostgresComponent =>
  (POSTGRES_COMPONENTS as readonly string[]).includes(component);

/** The broker exists only in the event styles; an outage of it in the RESTful style is "n/a". */
export const appliesTo = (component: Component, style: Style): boolean => (component !== 'nats' && !isClusterComponent(component)) || style !== 'rest';

/** One fault of a chaos run: a process SIGKILLed (the supervisor restarts it), or the broker crashed and restarted. */
export type Fault =
  | { readonly type: 'kill'; /** ms after the load started */ readonly atMs: number; readonly service: string; readonly replica: number }
  | { readonly type: 'broker-restart'; /** ms after the load started */ readonly atMs: number }
  | {
      /** one node of a private cluster SIGKILLed and started again; the others keep the quorum */
      readonly type: 'nats-node-restart';
      /** ms after the load started */
      readonly atMs: number;
      /** 1-based index of the node (n1, n2, …) */
      readonly node: number;
    }
  | {
      /** the private PostgreSQL halted (fast shutdown: open transactions roll back) and started again */
      readonly type: 'postgres-restart';
      /** ms after the load started */
      readonly atMs: number;
    }
  | {
      /** every connection to the services' databases ended with pg_terminate_backend; the pools connect anew */
      readonly type: 'postgres-terminate';
      /** ms after the load started */
      readonly atMs: number;
    };

/** The kinds of fault, in the order the chaos verdict counts them. */
export const FAULT_TYPES = ['kill', 'broker-restart', 'nats-node-restart', 'postgres-restart', 'postgres-terminate'] as const satisfies readonly Fault['type'][];

export interface ChaosPlanOptions {
  readonly seed: number;
  readonly kills: number;
  /** ms of load the faults fall in */
  readonly durationMs: number;
  readonly style: Style;
  /** instances per service (auth runs once) */
  readonly replicas: Readonly<Partial<Record<'billing' | 'order' | 'notification', number>>>;
  /** nodes of a private cluster: above 1, a broker fault crashes one node (drawn from the seed) instead of the whole broker */
  readonly brokerNodes?: number;
  /** the run has a private PostgreSQL: its restart and the termination of the services' connections are targets too */
  readonly postgres?: boolean;
}

/**
 * Faults fall between 10 % and 90 % of the load: the first ones find the system at work, and the
 * last ones leave it time to come back before the load stops.
 */
const FIRST = 0.1;
const LAST = 0.9;

/**
 * Which process dies when, drawn from the seed: the same seed, style and replicas give the same
 * schedule, so a failing run can be replayed. In the event styles the broker is one target among
 * the processes; every replica is a target of its own.
 * With a private PostgreSQL, its restart and the end of its connections are two targets more.
 */
export function chaosSchedule(opts: ChaosPlanOptions): Fault[] {
  const rng = createRandom(opts.seed);
  const targets: ({ service: string; replica: number } | 'broker' | 'postgres-restart' | 'postgres-terminate')[] = [{ service: 'auth', replica: 1 }];
  for (const service of ['billing', 'order', 'notification'] as const) {
    for (let replica = 1; replica <= (opts.replicas[service] ?? 1); replica++) targets.push({ service, replica });
  }
  if (opts.style !== 'rest') targets.push('broker');
  if (opts.postgres) targets.push('postgres-restart', 'postgres-terminate');
  const span = (LAST - FIRST) * opts.durationMs;
  const faults: Fault[] = [];
  for (let i = 0; i < opts.kills; i++) {
    const atMs = Math.round(FIRST * opts.durationMs + rng.next() * span);
    const target = targets[rng.int(targets.length)]!;
    if (target === 'postgres-restart' || target === 'postgres-terminate') faults.push({ type: target, atMs });
    else if (target !== 'broker') faults.push({ type: 'kill', atMs, ...target });
    else if ((opts.brokerNodes ?? 1) > 1) faults.push({ type: 'nats-node-restart', atMs, node: 1 + rng.int(opts.brokerNodes ?? 1) });
    else faults.push({ type: 'broker-restart', atMs });
  }
  return faults.sort((a, b) => a.atMs - b.atMs);
}

/** Where the outage sits in the measured window: the same steady time before and after it. */
export interface OutageWindow {
  /** ms after the load started when the component is stopped */
  readonly downAtMs: number;
  /** ms it stays down, before it is started again */
  readonly downMs: number;
}

/** The outage in the middle of the measured window (after the warm-up), so there is steady load on both sides. */
export function outageWindow(opts: { readonly warmupMs: number; readonly durationMs: number; readonly downMs: number }): OutageWindow {
  return { downAtMs: opts.warmupMs + Math.round((opts.durationMs - opts.downMs) / 2), downMs: opts.downMs };
}
