import { describe, expect, it } from 'vitest';
import { renderAnomalies } from '../src/analyse/index.ts';
import { runChaos } from '../src/measure/faults/chaos.ts';
import { STYLES } from '../src/model/style.ts';

/**
 * A small seeded chaos run per style: services, replicas and (in the event styles) the broker die
 * under load, the supervisor brings them back, and the checker must find nothing wrong.
 */
describe.each(STYLES)('chaos in the %s style', (style) => {
  it('kills processes under load and leaves every invariant intact', { timeout: 120_000 }, async () => {
    const result = await runChaos({
      styles: [style],
      // This seed's schedule kills both order replicas and another service in every style, and
      // restarts the broker in the event styles.
      seed: 9,
      kills: 4,
      users: 6,
      rate: 15,
      durationMs: 8_000,
      warmupMs: 1_000,
      drainMs: 10_000,
      settleMs: 60_000,
      maxInflight: 100,
      insufficient: 0.2,
      replicas: { billing: 2, order: 2, notification: 2 },
      keyed: 0.3,
      replays: 0.1,
      argv: [],
    });

    const [run] = result.styles;
    expect(run?.anomalies, renderAnomalies(run?.anomalies ?? [])).toEqual([]);
    expect(run?.faults.filter((f) => f.skipped === undefined).length).toBeGreaterThan(0);
    expect(run?.faults.some((f) => f.type === 'kill' && f.service === 'order')).toBe(true);
    if (style !== 'rest') expect(run?.faults.some((f) => f.type === 'broker-restart')).toBe(true);
    // The client saw orders accepted, keyed ones and replays among them, and the checker held them all.
    expect(run?.orders.accepted).toBeGreaterThan(50);
    expect(run?.orders.replays).toBeGreaterThan(0);
    // Every fault carried out has its end (the process back, or the broker) and a recovery reached:
    // every order accepted before that end notified, counted from the end of the faults overlapping it.
    for (const fault of run?.faults.filter((f) => f.skipped === undefined) ?? []) {
      expect(fault.backAtMs, JSON.stringify(fault)).toBeGreaterThanOrEqual(fault.doneAtMs ?? Infinity);
      expect(fault.recoveredFromMs).toBeGreaterThanOrEqual(fault.backAtMs ?? Infinity);
      expect(fault.recovery).toMatchObject({ unfinished: 0, ms: expect.any(Number) });
      expect(fault.recovery?.orders).toBeGreaterThan(0);
    }
    expect(run?.recovery.kill?.ms).toEqual(expect.any(Number));
  });
});
