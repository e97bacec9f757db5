import { startPrivateNatsCluster, type NatsClusterNode, type PrivateNatsCluster } from './nats-cluster.ts';
import { resolveNats, type PrivateNatsServerOptions, type ResolvedNats } from './nats-server.ts';

export interface BrokerChoice {
  /** seed URL(s) of a broker we did not start, comma-separated; default $NATS_URL, else a private one */
  readonly url?: string;
  /** private nats-servers to start, routed together; 1 (default) is today's single server */
  readonly cluster?: number;
}

export interface ResolvedBroker extends ResolvedNats {
  /** a private cluster this process started (cluster > 1), to halt and resume single nodes */
  readonly cluster?: PrivateNatsCluster;
  /** every private node's process id (one for a single server), to count the broker's CPU whole */
  readonly pids: readonly number[];
  /**
   * the stream and consumer replicas that suit this broker when none are asked for: 3 on a private
   * cluster of 3 or 5 (a quorum survives a lost node), else undefined (the server's default, 1)
   */
  readonly defaultReplicas?: number;
}

/** The replicas a stream gets on a cluster of `size` nodes when none are asked for. */
export const defaultStreamReplicas = (size: number | undefined): number | undefined => (size !== undefined && size >= 3 ? 3 : undefined);

/**
 * `cluster` > 1: a private cluster of that many nodes (an explicit URL is a usage error the CLI
 * refuses first; NATS_URL is ignored, since the flag asked for a private cluster). Otherwise as
 * resolveNats: the URL, else $NATS_URL, else one private nats-server.
 */
export async function resolveBroker(opts: BrokerChoice & PrivateNatsServerOptions = {}): Promise<ResolvedBroker> {
  if (!opts.cluster || opts.cluster <= 1) {
    const single = await resolveNats(opts);
    return { ...single, pids: single.pid === undefined ? [] : [single.pid] };
  }
  const cluster = await startPrivateNatsCluster({
    size: opts.cluster,
    ...(opts.binary ? { binary: opts.binary } : {}),
    ...(opts.storeDir ? { storeDir: opts.storeDir } : {}),
  });
  return {
    url: cluster.url,
    source: 'private',
    pid: cluster.nodes[0]?.pid,
    get pids() {
      return cluster.pids;
    },
    cluster,
    defaultReplicas: defaultStreamReplicas(opts.cluster),
    stop: cluster.stop,
  };
}

/** What outage and chaos act on: the nodes of a private cluster, by name. */
export type BrokerNode = Pick<NatsClusterNode, 'name' | 'url' | 'monitorUrl' | 'pid' | 'state' | 'halt' | 'resume'>;
