import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { launchSystem, type LaunchedSystem } from '../src/runtime/launch.ts';
import { silentChannel } from '../src/runtime/delivery/log.ts';
import { natsServers } from '../src/platform/events/connection.ts';

/** A poll with a deadline: what /health shows is refreshed in the background. */
async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!ok(last) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await read();
  }
  return last;
}

describe('a system on a private three-node NATS cluster', () => {
  let system: LaunchedSystem;

  beforeAll(async () => {
    // NATS_URL would name a broker of the machine's; the cluster flag asks for private nodes regardless.
    system = await launchSystem({ style: 'notification', natsCluster: 3, delivery: silentChannel });
  }, 60_000);

  afterAll(async () => {
    await system?.stop();
  });

  it('starts three routed nodes that agree on one JetStream meta leader', async () => {
    const nodes = system.brokerNodes ?? [];
    expect(nodes.map((n) => n.name)).toEqual(['n1', 'n2', 'n3']);
    expect(nodes.every((n) => n.state === 'running')).toBe(true);
    expect(natsServers(system.natsUrl ?? '')).toHaveLength(3);
    const leaders = await Promise.all(
      nodes.map(async (n) => ((await (await fetch(`${n.monitorUrl}/jsz`)).json()) as { meta_cluster: { leader: string; cluster_size: number } }).meta_cluster),
    );
    expect(new Set(leaders.map((m) => m.leader)).size).toBe(1);
    expect(leaders.every((m) => m.cluster_size === 3)).toBe(true);
    expect(system.natsPids).toHaveLength(3);
  });

  it('makes every stream and every consumer with three replicas', async () => {
    expect(system.streamReplicas).toBe(3);
    const nc = await connect({ servers: natsServers(system.natsUrl ?? '') });
    try {
      const jsm = await jetstreamManager(nc);
      const ours = (await jsm.streams.list().next()).filter((s) => s.config.name.startsWith(`${system.namespace}_`));
      expect(ours.map((s) => s.config.name.slice(system.namespace!.length + 1)).sort()).toEqual(['AUTH', 'BILLING', 'DLQ', 'ORDERS']);
      for (const stream of ours) {
        expect(stream.config.num_replicas, stream.config.name).toBe(3);
        expect(stream.cluster?.replicas ?? [], stream.config.name).toHaveLength(2);
        const consumers = await jsm.consumers.list(stream.config.name).next();
        for (const consumer of consumers) expect(consumer.config.num_replicas, consumer.name).toBe(3);
      }
      const orderConsumers = await jsm.consumers.list(`${system.namespace}_ORDERS`).next();
      expect(orderConsumers.length).toBeGreaterThan(0);
    } finally {
      await nc.close();
    }
  });

  it('keeps the event streams on limits retention, trimmed after the traffic to what a consumer still owes', { timeout: 60_000 }, async () => {
    const { runCourseScenario } = await import('../src/scenarios/course.ts');
    const result = await runCourseScenario({ baseUrl: system.url });
    expect(result.steps.filter((step) => !step.ok)).toEqual([]);
    const nc = await connect({ servers: natsServers(system.natsUrl ?? '') });
    try {
      const jsm = await jetstreamManager(nc);
      for (const name of ['AUTH', 'ORDERS', 'BILLING']) {
        const stream = `${system.namespace}_${name}`;
        // Every consumer acknowledged every event: the publishers' trims leave the stream empty.
        const info = await eventually(() => jsm.streams.info(stream), (i) => i.state.messages === 0, 20_000);
        expect(info.config.retention, stream).toBe('limits');
        expect(info.state.last_seq, `${stream} took messages`).toBeGreaterThan(0);
        expect(info.state.messages, stream).toBe(0);
      }
    } finally {
      await nc.close();
    }
  });

  it("publishes again what the order service sent just before its stream's leader changed; the copies are handled as duplicates", { timeout: 60_000 }, async () => {
    const { runCourseScenario } = await import('../src/scenarios/course.ts');
    expect((await runCourseScenario({ baseUrl: system.url })).steps.filter((step) => !step.ok)).toEqual([]);
    const nc = await connect({ servers: natsServers(system.natsUrl ?? '') });
    try {
      const jsm = await jetstreamManager(nc);
      const orders = `${system.namespace}_ORDERS`;
      const before = await eventually(() => jsm.streams.info(orders), (i) => i.state.messages === 0, 20_000);
      await nc.request(`$JS.API.STREAM.LEADER.STEPDOWN.${orders}`, undefined, { timeout: 5_000 });
      // The order service's events of the last 30 s go out again, and are acknowledged and trimmed once more.
      const after = await eventually(() => jsm.streams.info(orders), (i) => i.state.last_seq > before.state.last_seq && i.state.messages === 0, 20_000);
      expect(after.state.last_seq).toBeGreaterThan(before.state.last_seq);
      expect(after.state.messages).toBe(0);
      const dlq = await jsm.streams.info(`${system.namespace}_DLQ`);
      expect(dlq.state.messages).toBe(0);
    } finally {
      await nc.close();
    }
  });

  it('shows the replicas and each node in /health', async () => {
    const health = await eventually(
      async () => (await (await fetch(`${system.services.order}/health`)).json()) as { nats?: { replicas: number; nodes: { name: string; state: string }[] } },
      (h) => (h.nats?.nodes.length ?? 0) === 3,
    );
    expect(health.nats?.replicas).toBe(3);
    expect(health.nats?.nodes.map((n) => n.name)).toEqual(['n1', 'n2', 'n3']);
    expect(health.nats?.nodes.filter((n) => n.state === 'leader')).toHaveLength(1);
  });
});

describe('the processes topology on a private three-node cluster', () => {
  it('passes the course scenario in both event styles: every service consumes from its start', { timeout: 120_000 }, async () => {
    const { runCourseScenario } = await import('../src/scenarios/course.ts');
    for (const style of ['notification', 'collaboration'] as const) {
      const system = await launchSystem({ style, natsCluster: 3, topology: { kind: 'processes' }, onStdoutLine: () => {}, logLevel: 'error' });
      try {
        const result = await runCourseScenario({ baseUrl: system.url });
        const failed = result.steps.filter((step) => !step.ok).map((step) => `${step.name}: ${step.failure ?? ''}`);
        expect(failed, style).toEqual([]);
      } finally {
        await system.stop();
      }
    }
  });
});
