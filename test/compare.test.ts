import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchStyle } from '../src/measure/bench/bench.ts';
import { compareRuns } from '../src/report/index.ts';
import type { CompareReport, RunReport } from '../src/model/schema.ts';
import { STYLES } from '../src/model/style.ts';
import { aSmallBench } from './support/bench.ts';
import { setupNats, type TestNats } from './support/nats.ts';

/** A short, slow comparison of all three styles; its invariants hold whatever the machine's speed. */
describe('compare over all three styles at a low rate', () => {
  let nats: TestNats;
  let compare: CompareReport;
  const run = (style: string): RunReport => compare.runs.find((r) => r.style === style)!;
  const INSUFFICIENT = 0.25;

  beforeAll(async () => {
    nats = await setupNats();
    const runs: RunReport[] = [];
    for (const style of STYLES) {
      runs.push(await benchStyle(aSmallBench(style, nats.url, { insufficient: INSUFFICIENT })));
    }
    compare = compareRuns(runs, new Date().toISOString());
  }, 180_000);
  afterAll(async () => {
    await nats?.teardown();
  });

  it.each(STYLES)('%s: every placed order ends paid or rejected, none fails', (style) => {
    const { orders } = run(style);
    expect(orders.placed).toBeGreaterThanOrEqual(100);
    expect(orders.failed).toBe(0);
    expect(orders.pending).toBe(0);
    expect(orders.paid + orders.rejected).toBe(orders.placed);
    expect(run(style).latency.completion.count).toBe(orders.placed);
  });

  it.each(STYLES)('%s: the rejected fraction is the configured one, within tolerance', (style) => {
    const { orders } = run(style);
    expect(Math.abs(orders.rejected / orders.placed - INSUFFICIENT)).toBeLessThan(0.1);
  });

  it('sends the same orders in every style (the seed fixes the sequence)', () => {
    const counts = STYLES.map((s) => [run(s).orders.paid, run(s).orders.rejected]);
    expect(counts[1]).toEqual(counts[0]);
    expect(counts[2]).toEqual(counts[0]);
  });

  it('REST publishes no messages and calls billing and notification for every order', () => {
    expect(run('rest').messages.total).toBe(0);
    expect(run('rest').readLoad.perOrder).toBeCloseTo(3, 5);
  });

  it('event collaboration makes no service-to-service read; event notification makes four per order', () => {
    expect(run('collaboration').readLoad.total).toBe(0);
    expect(run('notification').readLoad.perOrder).toBeCloseTo(4, 5);
    expect(run('collaboration').messages.perOrder).toBeCloseTo(3, 5);
    expect(run('notification').messages.perOrder).toBeCloseTo(3, 5);
    expect(run('collaboration').messages.bytesPerOrder).toBeGreaterThan(run('notification').messages.bytesPerOrder);
  });

  it('reports ratios against REST, with none where REST has nothing to divide by', () => {
    expect(compare.ratios.rest?.cpuMsPerOrder).toBe(1);
    expect(compare.ratios.collaboration?.readLoadPerOrder).toBe(0);
    expect(compare.ratios.notification?.messagesPerOrder).toBeNull();
    for (const r of compare.runs) expect(r.cost.cpuMsPerOrder).toBeGreaterThan(0);
  });
});
