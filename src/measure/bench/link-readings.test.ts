import { describe, expect, it } from 'vitest';
import { linkCosts, type LinkReading } from './link-readings.ts';

const reading = (name: string, pid: number, forward: number, backward: number, cpuMs: number, connections = 1): LinkReading => ({ name, pid, forward, backward, connections, cpuMs });

describe('linkCosts', () => {
  it('counts what each link carried and spent between the two reads, per accepted order too', () => {
    const costs = linkCosts(
      [reading('order>billing', 10, 100, 50, 30), reading('order>nats', 11, 0, 0, 20)],
      [reading('order>billing', 10, 2_100, 1_050, 80, 3), reading('order>nats', 11, 400, 200, 25)],
      10,
    );
    expect(costs).toEqual({
      'order>billing': { bytes: { forward: 2_000, backward: 1_000 }, bytesPerOrder: { forward: 200, backward: 100 }, connections: 2, cpuMs: 50, cpuMsPerOrder: 5 },
      'order>nats': { bytes: { forward: 400, backward: 200 }, bytesPerOrder: { forward: 40, backward: 20 }, connections: 0, cpuMs: 5, cpuMsPerOrder: 0.5 },
    });
  });

  it('counts a link restarted between the reads (another pid) from its restart', () => {
    const costs = linkCosts([reading('order>billing', 10, 5_000, 5_000, 300)], [reading('order>billing', 12, 700, 300, 40)], 0);
    expect(costs['order>billing']).toEqual({ bytes: { forward: 700, backward: 300 }, bytesPerOrder: { forward: 0, backward: 0 }, connections: 1, cpuMs: 40, cpuMsPerOrder: 0 });
  });
});
