import { describe, expect, it } from 'vitest';
import { appliesTo, chaosSchedule, isClusterComponent, NODES_LOST } from './faults.ts';

const plan = { kills: 40, durationMs: 60_000, style: 'notification', replicas: { billing: 2, order: 2, notification: 2 } } as const;

describe('faults on a NATS cluster', () => {
  it('chaos crashes single nodes of a cluster instead of the whole broker, each node drawn from the seed', () => {
    const faults = chaosSchedule({ ...plan, seed: 3, brokerNodes: 3 });
    const nodes = faults.flatMap((f) => (f.type === 'nats-node-restart' ? [f.node] : []));
    expect(faults.some((f) => f.type === 'broker-restart')).toBe(false);
    expect(nodes.length).toBeGreaterThan(0);
    expect(nodes.every((n) => n >= 1 && n <= 3)).toBe(true);
    expect(chaosSchedule({ ...plan, seed: 3, brokerNodes: 3 })).toEqual(faults);
  });

  it('leaves the schedule of one server as it was', () => {
    expect(chaosSchedule({ ...plan, seed: 3 })).toEqual(chaosSchedule({ ...plan, seed: 3, brokerNodes: 1 }));
    expect(chaosSchedule({ ...plan, seed: 3 }).some((f) => f.type === 'nats-node-restart')).toBe(false);
  });

  it('names the outage components that lose nodes, and how many, and none of them applies to REST', () => {
    expect(isClusterComponent('nats-node')).toBe(true);
    expect(isClusterComponent('nats')).toBe(false);
    expect(NODES_LOST).toEqual({ 'nats-node': 1, 'nats-2-nodes': 2 });
    expect(appliesTo('nats-2-nodes', 'rest')).toBe(false);
    expect(appliesTo('nats-2-nodes', 'collaboration')).toBe(true);
  });
});
