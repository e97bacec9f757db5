import { InvalidArgumentError, Option } from 'commander';
import { UsageError } from './errors.ts';
import { positiveInt } from './options.ts';

/**
 * Cluster sizes the CLI starts: one server, or a quorum that survives one (3) or two (5) lost nodes.
 * An even size adds a node without surviving more losses. Defined here, not in the runtime, so that
 * --help and bad flags answer without loading the NATS client.
 */
export const NATS_CLUSTER_SIZES = [1, 3, 5] as const;
export type NatsClusterSize = (typeof NATS_CLUSTER_SIZES)[number];

/** The broker flags of a command that starts a system, as commander parses them. */
export interface NatsFlags {
  readonly nats?: string;
  readonly natsCluster?: NatsClusterSize;
  readonly streamReplicas?: number;
}

/** What launchSystem (and bench, outage, chaos) take from them. */
export interface NatsChoice {
  readonly nats?: string;
  readonly natsCluster?: NatsClusterSize;
  readonly streamReplicas?: number;
}

export function parseNatsClusterSize(value: string): NatsClusterSize {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !(NATS_CLUSTER_SIZES as readonly number[]).includes(n)) {
    throw new InvalidArgumentError(`must be ${NATS_CLUSTER_SIZES.join(', ').replace(/, (\d+)$/, ' or $1')} (a cluster needs an odd number of nodes for a quorum).`);
  }
  return n as NatsClusterSize;
}

/** A Raft group of more than 5 is allowed by JetStream but pointless on one machine; 5 is its documented maximum use. */
const MAX_REPLICAS = 5;

export const natsClusterOption = (): Option =>
  new Option('--nats-cluster <n>', 'start this many private nats-servers routed together (1, 3 or 5); on 3 or 5 the streams get 3 replicas').argParser(
    parseNatsClusterSize,
  );

export const streamReplicasOption = (): Option =>
  new Option('--stream-replicas <n>', 'replicas of every stream and consumer (default: 1 on one server, 3 on a cluster of 3 or 5)')
    .argParser(positiveInt(MAX_REPLICAS))
    .env('INTERPLAY_STREAM_REPLICAS');

/**
 * Checks the broker flags together and returns what to start. A URL names a broker that is not ours,
 * so a private cluster cannot go with it; more replicas than a private cluster has nodes could never
 * be placed, and JetStream would refuse every stream.
 */
export function natsChoice(flags: NatsFlags): NatsChoice {
  const cluster = flags.natsCluster;
  if (cluster !== undefined && cluster > 1 && flags.nats) {
    throw new UsageError('--nats-cluster starts private nats-servers; it cannot go with --nats, which names a broker already running');
  }
  // NATS_URL is used only when no private cluster is asked for (resolveBroker).
  const external = flags.nats ?? (cluster !== undefined && cluster > 1 ? undefined : process.env['NATS_URL']);
  const nodes = external ? undefined : (cluster ?? 1);
  if (flags.streamReplicas !== undefined && nodes !== undefined && flags.streamReplicas > nodes) {
    throw new UsageError(`--stream-replicas ${flags.streamReplicas} needs at least that many nats-servers; start them with --nats-cluster ${flags.streamReplicas >= 4 ? 5 : 3}`);
  }
  return {
    ...(flags.nats ? { nats: flags.nats } : {}),
    ...(cluster !== undefined ? { natsCluster: cluster } : {}),
    ...(flags.streamReplicas !== undefined ? { streamReplicas: flags.streamReplicas } : {}),
  };
}
