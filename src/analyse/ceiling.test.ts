import { describe, expect, it } from 'vitest';
import type { Calibration, PrimitiveMeasure, Primitives } from '../model/calibration.ts';
import { aRun } from '../report/test-builders.ts';
import { ceilingOf, EDGE_HTTP_PER_ORDER, heldRateOf, hopsOfRun, KNOWN_HOPS, withCeiling } from './ceiling.ts';

const primitive = (perSecond: number, cpuUsPerOp: number): PrimitiveMeasure => ({ perSecond, cpuUsPerOp, ops: perSecond * 3, samples: 3, concurrency: 1, cpuOf: 'test' });

/** round numbers: hello 20 µs, an HTTP call 100 µs, a JetStream round 150 µs, a commit 50 µs */
const PRIMITIVES: Primitives = {
  hello: primitive(50_000, 20),
  http: primitive(10_000, 100),
  jetstream: primitive(8_000, 150),
  sqlite: primitive(20_000, 50),
};

const aCalibration = (cores = 2): Calibration => ({
  schema: 'interplay/calibration@1',
  createdAt: '2026-01-01T00:00:00.000Z',
  durationMs: 3000,
  cores,
  environment: { node: 'v20', cpuModel: 'test', cpuCount: cores, natsServer: '2.9.10', loadAverage: 0 },
  primitives: PRIMITIVES,
});

describe('ceilingOf', () => {
  it('sums hops times CPU per primitive and spreads it over the cores', () => {
    // 5 × 100 + 0 × 150 + 5 × 50 = 750 µs per order; 2 cores → 2000 ms/s ÷ 0.75 ms
    const c = ceilingOf({ http: 5, messages: 0, commits: 5 }, PRIMITIVES, 2);
    expect(c.cpuMsPerOrder).toBeCloseTo(0.75);
    expect(c.ordersPerSecond).toBeCloseTo(2666.667, 2);
    expect(c.helloPerOrder).toBeCloseTo(37.5);
  });

  it('charges messages at the JetStream round’s CPU', () => {
    // collaboration: 2 × 100 + 3 × 150 + 4 × 50 = 850 µs; 1 core → 1176 orders/s
    const c = ceilingOf(KNOWN_HOPS.collaboration, PRIMITIVES, 1);
    expect(c.cpuMsPerOrder).toBeCloseTo(0.85);
    expect(c.ordersPerSecond).toBeCloseTo(1176.47, 1);
  });

  it('puts the style that makes more hops under a lower ceiling', () => {
    const of = (style: keyof typeof KNOWN_HOPS) => ceilingOf(KNOWN_HOPS[style], PRIMITIVES, 2).ordersPerSecond;
    expect(of('notification')).toBeLessThan(of('collaboration'));
    expect(of('notification')).toBeLessThan(of('rest'));
  });
});

describe('hopsOfRun', () => {
  it('takes calls and messages from the run’s counters, plus the edge, and commits from the known table', () => {
    const run = aRun({ style: 'notification', readLoad: { total: 4200, perOrder: 4.2 }, messages: { total: 3100, perOrder: 3.1 } });
    expect(hopsOfRun(run)).toEqual({ http: 4.2 + EDGE_HTTP_PER_ORDER, messages: 3.1, commits: KNOWN_HOPS.notification.commits, source: 'run' });
  });

  it('falls back to the known hops when the run placed no order, or its counters saw neither a call nor a message', () => {
    expect(hopsOfRun(aRun({ style: 'rest', orders: { placed: 0 } }))).toEqual({ ...KNOWN_HOPS.rest, source: 'known' });
    const unscraped = aRun({ style: 'collaboration', readLoad: { total: 0, perOrder: 0 }, messages: { total: 0, perOrder: 0 } });
    expect(hopsOfRun(unscraped)).toEqual({ ...KNOWN_HOPS.collaboration, source: 'known' });
  });
});

describe('withCeiling', () => {
  it('reports efficiency as the rate held over the ceiling', () => {
    const run = aRun({ style: 'rest', readLoad: { perOrder: 3 }, throughput: { offered: 200, accepted: 200, completed: 201 }, cost: { cpuMsPerOrder: 4 } });
    const ceiling = withCeiling(run, aCalibration()).ceiling!;
    // completed beyond offered is a warm-up backlog, not capacity: held 200/s of 2857.1/s (5 HTTP × 100 µs + 4 commits × 50 µs)
    expect(ceiling.heldRate).toBe(200);
    expect(ceiling.efficiency).toBeCloseTo(0.07);
    // measured 4 ms per order = 200 hello requests of 20 µs; 200/s is 0.4 % of hello's 50 000/s
    expect(ceiling.helloPerOrder).toBeCloseTo(200);
    expect(ceiling.helloShare).toBeCloseTo(0.004);
  });

  it('uses the highest rate a ramp held when there is one', () => {
    const run = aRun({ style: 'collaboration', throughput: { offered: 140, completed: 139 } });
    expect(heldRateOf(run, 142)).toBe(142);
    expect(heldRateOf(run)).toBe(139);
  });
});
