import type { BrokerNode } from '../../runtime/nats-broker.ts';

/**
 * The nodes an outage of `count` cluster nodes takes down: the leader of `stream` first (the orders'
 * stream: losing its leader forces an election before the next publish is stored, and its pull
 * consumers must find the new one), else the JetStream meta leader, then the others in order.
 * Without an answer from /jsz, the first `count` running nodes.
 */
export async function nodesToLose(nodes: readonly BrokerNode[], count: number, stream?: string): Promise<BrokerNode[]> {
  const up = nodes.filter((node) => node.state === 'running');
  const leader = await leaderOf(up, stream);
  const ordered = [...up.filter((n) => n.name === leader), ...up.filter((n) => n.name !== leader)];
  return ordered.slice(0, count);
}

interface Jsz {
  readonly meta_cluster?: { readonly leader?: string };
  readonly account_details?: readonly { readonly stream_detail?: readonly { readonly name: string; readonly cluster?: { readonly leader?: string } }[] }[];
}

/** the stream's leader as a node's /jsz names it, else the meta leader */
async function leaderOf(nodes: readonly BrokerNode[], stream: string | undefined): Promise<string | undefined> {
  for (const node of nodes) {
    try {
      const jsz = (await (await fetch(`${node.monitorUrl}/jsz?streams=true`, { signal: AbortSignal.timeout(2_000) })).json()) as Jsz;
      const details = (jsz.account_details ?? []).flatMap((account) => account.stream_detail ?? []);
      const streamLeader = details.find((d) => d.name === stream)?.cluster?.leader;
      if (streamLeader) return streamLeader;
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
