import { describe, expect, it } from 'vitest';
import { renderAnomalies } from '../src/analyse/index.ts';
import { runChaos } from '../src/measure/faults/chaos.ts';

/**
 * Chaos on real infrastructure: the notification style with two replicas of billing, order and
 * notification, every service on a private PostgreSQL, the broker a private cluster of three. The
 * seed's schedule kills a service process, crashes a NATS node, restarts PostgreSQL and ends every
 * service connection to it, all under load; the checker must find nothing wrong and every order
 * answered 201 must complete.
 */
describe('chaos on PostgreSQL and a three-node NATS cluster', () => {
  // ~40 s of work (private PostgreSQL and three nats-servers start, 25 s of load, settle), allowed
  // four times that: the 2-core machine is shared with other test runs and each restart slows there.
  it('kills a service, a NATS node, restarts PostgreSQL and ends its connections, and loses nothing', { timeout: 240_000 }, async () => {
    // The services' warnings, shown with any anomaly: a dead letter or a stuck relay names where an order stopped.
    const lines: string[] = [];
    const result = await runChaos({
      onLog: (line) => lines.push(line),
      styles: ['notification'],
      // This seed's schedule, on these replicas with a private PostgreSQL and three nodes: a NATS node
      // crash, a billing kill, a PostgreSQL restart, a termination of its connections, another kill.
      seed: 84,
      kills: 5,
      users: 6,
      rate: 10,
      durationMs: 24_000,
      warmupMs: 1_000,
      drainMs: 10_000,
      settleMs: 60_000,
      maxInflight: 100,
      // Every order affordable: an accepted order must end paid and notified.
      insufficient: 0,
      replicas: { billing: 2, order: 2, notification: 2 },
      keyed: 0.3,
      replays: 0.1,
      store: { kind: 'postgres', prefix: `chaos_${process.pid}` },
      natsCluster: 3,
      argv: [],
    });

    const [run] = result.styles;
    if (!run) throw new Error('no result for the notification style');
    expect(run.anomalies, `${renderAnomalies([...run.anomalies])}\nthe services' warnings:\n${lines.filter((l) => !l.includes('idle database connection failed')).slice(-80).join('\n')}`).toEqual([]);
    const carried = run.faults.filter((f) => f.skipped === undefined).map((f) => f.type);
    expect(carried, JSON.stringify(run.faults)).toEqual(expect.arrayContaining(['kill', 'nats-node-restart', 'postgres-restart', 'postgres-terminate']));
    // The supervisor restarted only what was killed: the database faults fall away from the kills in
    // this schedule, and every service came back from them on its own, its pool connecting anew.
    expect(run.restarts).toBe(run.faults.filter((f) => f.type === 'kill' && f.skipped === undefined).length);
    expect(run.orders.distinctAccepted).toBeGreaterThan(100);
    expect(run.orders.completed).toBe(run.orders.distinctAccepted);
  });
});
