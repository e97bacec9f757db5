import type { JetStreamManager, StreamInfo } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { errorMessage } from './log.ts';

/** One node as the stream's Raft group sees it. */
export interface BrokerNodeHealth {
  readonly name: string;
  /** leader: takes the stream's writes; current: a follower up to date; catching-up: behind; offline: not heard from */
  readonly state: 'leader' | 'current' | 'catching-up' | 'offline';
}

/** What /health shows of the broker: where this process is connected, and each stream's replicas. */
export interface BrokerHealth {
  /** the server this connection is on now: it moves when a node is lost */
  readonly connectedTo: { readonly name: string | null; readonly url: string };
  /** replicas the streams were asked for; 1 when none were */
  readonly replicas: number;
  /** the nodes of the first stream's group (every stream of a system has the same replicas) */
  readonly nodes: readonly BrokerNodeHealth[];
  /** each stream's leader; null while it has none (an election, a lost quorum) */
  readonly leaders: Readonly<Record<string, string | null>>;
  /** ms since epoch of the stream infos above; null before the first answer */
  readonly readAt: number | null;
  readonly lastError: string | null;
}

export interface BrokerHealthProbe {
  /** the last snapshot, at once; starts a refresh in the background when it is older than the refresh interval */
  read(): BrokerHealth;
}

export interface BrokerHealthOptions {
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  readonly streams: readonly string[];
  readonly replicas: number;
  /**
   * ms a snapshot is served before a /health asks for a new one; default 5000. /health is polled by
   * supervisors, dashboards and load balancers; a stream info is a JetStream API request the meta
   * leader answers, so it is asked at most this often however often /health is, and never on an order's path.
   */
  readonly refreshMs?: number;
  readonly now?: () => number;
}

export function brokerHealthProbe(opts: BrokerHealthOptions): BrokerHealthProbe {
  const refreshMs = opts.refreshMs ?? 5_000;
  const now = opts.now ?? Date.now;
  let nodes: BrokerNodeHealth[] = [];
  let leaders: Record<string, string | null> = {};
  let readAt: number | null = null;
  let askedAt = Number.NEGATIVE_INFINITY;
  let lastError: string | null = null;
  let refreshing = false;

  async function refresh(): Promise<void> {
    refreshing = true;
    try {
      const infos = await Promise.all(opts.streams.map((name) => opts.jsm.streams.info(name)));
      leaders = Object.fromEntries(infos.map((info) => [info.config.name, info.cluster?.leader ?? null]));
      nodes = infos[0] ? nodesOf(infos[0]) : [];
      readAt = now();
      lastError = null;
    } catch (err) {
      lastError = errorMessage(err);
    } finally {
      refreshing = false;
    }
  }

  return {
    read() {
      if (!refreshing && now() - askedAt >= refreshMs) {
        askedAt = now();
        void refresh();
      }
      return {
        connectedTo: { name: opts.nc.info?.server_name ?? null, url: opts.nc.getServer() },
        replicas: opts.replicas,
        nodes,
        leaders,
        readAt,
        lastError,
      };
    },
  };
}

function nodesOf(info: StreamInfo): BrokerNodeHealth[] {
  const cluster = info.cluster;
  if (!cluster) return [];
  const followers = (cluster.replicas ?? []).filter((peer) => peer.name !== cluster.leader).map((peer): BrokerNodeHealth => ({
    name: peer.name,
    state: peer.offline ? 'offline' : peer.current ? 'current' : 'catching-up',
  }));
  return [...(cluster.leader ? [{ name: cluster.leader, state: 'leader' as const }] : []), ...followers].sort((a, b) => a.name.localeCompare(b.name));
}
