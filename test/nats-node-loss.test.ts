import { describe, expect, it } from 'vitest';
import { renderAnomalies } from '../src/analyse/index.ts';
import { runOutage, type OutageCell } from '../src/measure/faults/outage.ts';

type Measured = Extract<OutageCell, { applies: true }>;

/**
 * The notification style on a private cluster of three with R3 streams, in the processes topology:
 * first one node SIGKILLed for 3 s (the leader of the orders stream), then two (the quorum lost), each in
 * the middle of a 9 s window at 15 orders/s, then brought back; after each, the invariant check.
 */
describe('losing nodes of a three-node NATS cluster under load', () => {
  let cells: Measured[] = [];

  it('one node lost: every order is accepted and completed, and nothing is lost', { timeout: 240_000 }, async () => {
    const result = await runOutage({
      styles: ['notification'],
      components: ['nats-node', 'nats-2-nodes'],
      natsCluster: 3,
      downMs: 3_000,
      users: 6,
      rate: 15,
      durationMs: 9_000,
      warmupMs: 1_000,
      drainMs: 60_000,
      maxInflight: 100,
      // Every order affordable: an accepted order must end paid and notified.
      insufficient: 0,
      seed: 1,
      argv: [],
    });
    cells = (result.styles[0]?.cells ?? []).filter((c): c is Measured => c.applies);
    expect(cells.map((c) => c.component)).toEqual(['nats-node', 'nats-2-nodes']);

    const one = cells[0]!;
    expect(one.anomalies, renderAnomalies([...one.anomalies])).toEqual([]);
    expect(one.nats?.nodesLost).toHaveLength(1);
    expect(one.during.sent).toBeGreaterThan(30);
    // The order service answers 201 after its own commit; the broker is not on that path.
    expect(one.acceptedShare).toBe(1);
    expect(one.completedShareAll).toBe(1);
    expect(one.placedAnyway).toBe(0);
  });

  it('two nodes lost: publishing is refused and counted while the quorum is gone, and every accepted order completes once they return', () => {
    const two = cells[1];
    if (!two) throw new Error('the nats-2-nodes cell was not measured (see the test above)');
    expect(two.anomalies, renderAnomalies([...two.anomalies])).toEqual([]);
    expect(two.nats?.nodesLost).toHaveLength(2);
    expect(two.during.sent).toBeGreaterThan(30);
    // Orders are still accepted: they wait in the order service's outbox, not in the broker.
    expect(two.acceptedShare).toBe(1);
    // Without a quorum no stream accepts a publish: the relays saw refusals (or timeouts) and retried.
    expect(two.nats?.publishesRefused).toBeGreaterThan(0);
    expect(two.completedShareAll).toBe(1);
    // Orders placed during the loss waited for the nodes to return: slower than before it.
    expect(two.p99During).toBeGreaterThan(two.p99Before ?? Infinity);
  });
});
