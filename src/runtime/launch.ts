import { join } from 'node:path';
import type { ServiceName } from '../model/style.ts';
import { resolveBroker, type BrokerNode } from './nats-broker.ts';
import type { PrivateNatsServer } from './nats-server.ts';
import { startProcesses, type ProcessesOptions } from './processes.ts';
import type { Supervisor } from './supervisor.ts';
import { startSystem, type SystemOptions } from './system.ts';
import type { StoreKind } from '../platform/store/config.ts';
import type { PrivatePostgres } from './postgres-server.ts';
import { resolveStore, type StoreRequest } from './store.ts';
import { INPROC, type SystemTopology } from '../model/topology.ts';

export interface LaunchOptions extends Omit<SystemOptions, 'natsUrl' | 'store'> {
  /** default SQLite; PostgreSQL at a URL, or a private one started here */
  readonly store?: StoreRequest;
  /** NATS URL for the event styles; default $NATS_URL, else a private nats-server */
  readonly nats?: string;
  /**
   * private nats-servers to start, routed together, when no URL is given; default 1. On 3 or 5 the
   * streams get 3 replicas unless streamReplicas says otherwise
   */
  readonly natsCluster?: number;
  /** default inproc; processes may carry instances per service */
  readonly topology?: SystemTopology;
  /** processes: notification POSTs deliveries here (inproc takes a `delivery` channel instead) */
  readonly webhook?: string;
  /** processes: the supervisor's timings, where children's stderr goes, and its events */
  readonly supervisor?: ProcessesOptions['supervisor'];
  /** processes: where the children's stdout lines (deliveries printed as JSON) go */
  readonly onStdoutLine?: (line: string) => void;
}

/** Which broker a launch uses: the flags --nats, --nats-cluster and --stream-replicas. */
export type BrokerFlags = Pick<LaunchOptions, 'nats' | 'natsCluster' | 'streamReplicas'>;

export interface LaunchedSystem {
  readonly style: SystemOptions['style'];
  readonly topology: SystemTopology['kind'];
  /** the gateway: the public API's base URL */
  readonly url: string;
  /** each service's (first replica's) own base URL */
  readonly services: Readonly<Record<ServiceName, string>>;
  readonly dataDir: string;
  /** where the event styles' broker is, when the style uses one */
  readonly natsUrl?: string;
  /** process id of a private nats-server this launch started */
  readonly natsPid?: number;
  /** the prefix of the event styles' streams (`<ns>_ORDERS`…), when the style uses a broker */
  readonly namespace?: string;
  /**
   * a private nats-server this launch started, to take down and bring back on the same port and
   * store (outage and chaos runs); undefined for a broker given by URL, which is not ours to stop
   */
  readonly broker?: Pick<PrivateNatsServer, 'halt' | 'resume'>;
  /**
   * the nodes of a private cluster this launch started (natsCluster > 1), each to halt and resume
   * alone; `broker` then halts and resumes all of them
   */
  readonly brokerNodes?: readonly BrokerNode[];
  /** every private broker process's id (one per node), to count the broker's CPU whole */
  readonly natsPids?: readonly number[];
  /** the replicas the event styles' streams and consumers were made with, when set */
  readonly streamReplicas?: number;
  /** processes: stops, kills and starts single services and replicas */
  readonly supervisor?: Supervisor;
  /** where the services keep their tables */
  readonly store: StoreKind;
  /** a private PostgreSQL this launch started: to stop and start again, cut connections, measure */
  readonly postgres?: PrivatePostgres;
  stop(): Promise<void>;
}

/** Starts the system of one style in one topology, with a broker when the style needs one; stop() removes both. */
export async function launchSystem(opts: LaunchOptions): Promise<LaunchedSystem> {
  const topology = opts.topology ?? INPROC;
  // With a kept data directory, a private broker keeps its store there too: events published
  // but not yet consumed when the system stops are delivered after the next start.
  const nats =
    opts.style === 'rest'
      ? undefined
      : await resolveBroker({
          url: opts.nats,
          cluster: opts.natsCluster,
          ...(opts.dataDir ? { storeDir: join(opts.dataDir, opts.natsCluster && opts.natsCluster > 1 ? 'nats-cluster' : 'nats') } : {}),
        });
  const streamReplicas = nats ? (opts.streamReplicas ?? nats.defaultReplicas) : undefined;
  // A private PostgreSQL keeps its cluster in DIR/postgres when the data is kept.
  const store = await resolveStore(opts.store, opts.dataDir).catch(async (error: unknown) => {
    await nats?.stop();
    throw error;
  });
  try {
    const system =
      topology.kind === 'processes'
        ? await startProcesses({ ...opts, replicas: topology.replicas, natsUrl: nats?.url, streamReplicas, store: store.selection })
        : await startSystem({ ...opts, natsUrl: nats?.url, streamReplicas, store: store.selection });
    return {
      style: opts.style,
      topology: topology.kind,
      url: system.url,
      services: system.services,
      dataDir: system.dataDir,
      ...(nats ? { natsUrl: nats.url, natsPid: nats.pid } : {}),
      ...(system.namespace ? { namespace: system.namespace } : {}),
      ...(nats?.server ? { broker: nats.server } : {}),
      ...(nats?.cluster ? { broker: nats.cluster, brokerNodes: nats.cluster.nodes } : {}),
      ...(nats ? { natsPids: nats.pids } : {}),
      ...(streamReplicas ? { streamReplicas } : {}),
      ...('supervisor' in system ? { supervisor: system.supervisor } : {}),
      store: store.selection.kind,
      ...(store.server ? { postgres: store.server } : {}),
      stop: async () => {
        await system.stop();
        await store.stop();
        await nats?.stop();
      },
    };
  } catch (error) {
    await store.stop();
    await nats?.stop();
    throw error;
  }
}
