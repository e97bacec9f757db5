import type { BrokerNode } from '../runtime/nats-broker.ts';

/**
 * The nodes an outage of `count` cluster nodes takes down: the JetStream meta leader first (losing it
 * forces an election of the group that places streams and consumers, the harder case), then the
 * others in order. Without an answer from /jsz, the first `count` running nodes.
 */
export async function nodesToLose(nodes: readonly BrokerNode[], count: number): Promise<BrokerNode[]> {
  const up = nodes.filter((node) => node.state === 'running');
  const leader = await metaLeader(up);
  const ordered = [...up.filter((n) => n.name === leader), ...up.filter((n) => n.name !== leader)];
  return ordered.slice(0, count);
}

async function metaLeader(nodes: readonly BrokerNode[]): Promise<string | undefined> {
  for (const node of nodes) {
    try {
      const jsz = (await (await fetch(`${node.monitorUrl}/jsz`, { signal: AbortSignal.timeout(2_000) })).json()) as {
        meta_cluster?: { leader?: string };
      };
      if (jsz.meta_cluster?.leader) return jsz.meta_cluster.leader;
    } catch {
      // ask the next node
    }
  }
  return undefined;
}

/**
 * Publishes the services' relays saw refused so far (their /health `outbox.refused`), summed: an
 * outage cell reads it before and after, and the difference is what the lost nodes cost the publishers.
 */
export async function refusedPublishes(services: Readonly<Record<string, string>>): Promise<number> {
  let total = 0;
  for (const url of Object.values(services)) {
    try {
      const health = (await (await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) })).json()) as { outbox?: { refused?: number } };
      total += health.outbox?.refused ?? 0;
    } catch {
      // a service that does not answer has no count to add; the invariant check reports what it lost
    }
  }
  return total;
}
