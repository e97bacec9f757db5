import { describe, expect, it } from 'vitest';
import { compile } from 'vega-lite';
import { acceptLatencySeries, latencyCurve, perOrderParts, throughputSeries } from './chart-data.ts';
import { latencyCurveSpec, perOrderSpec, timelineSpec } from './charts.ts';
import { figureGroups } from './figures.ts';
import { renderSvg } from './svg.ts';
import { aRun, aTimeline } from './test-builders.ts';

const values = (spec: object): unknown[] => (spec as { data: { values: unknown[] } }).data.values;

describe('chart data', () => {
  it('latencyCurve - runs from the fastest order to the slowest, never going down, on a nines axis', () => {
    const run = aRun();
    const curve = latencyCurve(run, 'completion');
    expect(curve[0]).toMatchObject({ style: 'rest', nines: 0, percentile: 0 });
    expect(curve[0]?.ms).toBeCloseTo(run.latency.completion.p50, 1);
    expect(curve.at(-1)).toMatchObject({ percentile: 100, ms: run.latency.completion.max });
    // the builder's histogram holds 100 values: nothing deeper than p99 can be told apart
    expect(curve.at(-1)?.nines).toBe(2);
    const p90 = curve.find((p) => p.nines === 1);
    expect(p90?.percentile).toBeCloseTo(90, 6);
    for (let i = 1; i < curve.length; i++) expect(curve[i]!.ms).toBeGreaterThanOrEqual(curve[i - 1]!.ms);
  });

  it('perOrderParts - splits reads per order by route with the run’s own divisor, and gives a style without any none', () => {
    const rest = aRun({ style: 'rest', readLoad: { total: 600, perOrder: 0.12, byService: { 'order→billing POST /payments': 400, 'notification→auth GET /users': 200 } } });
    const parts = perOrderParts([rest, aRun({ style: 'collaboration' })], 'reads');
    expect(parts).toEqual([
      { style: 'rest', part: 'order→billing POST /payments', perOrder: expect.closeTo(0.08, 9) as number },
      { style: 'rest', part: 'notification→auth GET /users', perOrder: expect.closeTo(0.04, 9) as number },
    ]);
  });

  it('perOrderParts - gives CPU per order per process as saved', () => {
    const run = aRun({ cost: { byService: { 'nats-server': { cpuMs: 60, cpuMsPerOrder: 0.01, rssPeakBytes: 1 } } } });
    expect(perOrderParts([run], 'cpu')).toContainEqual({ style: 'rest', part: 'nats-server', perOrder: 0.01 });
  });

  it('timeline series - are empty for a run saved without a timeline, and leave out seconds with no latency', () => {
    expect(throughputSeries(aRun())).toEqual([]);
    const timeline = [...aTimeline(2), { t: 2, offered: 0, accepted: 0, completed: 5, acceptP50: null, acceptP99: null }];
    const run = aRun({ timeline });
    expect(throughputSeries(run)).toHaveLength(9);
    expect(acceptLatencySeries(run).map((p) => p.t)).toEqual([0, 0, 1, 1]);
  });
});

describe('chart specs', () => {
  it('latencyCurveSpec - compiles, labels the axis in nines and reaches the deepest percentile', () => {
    const points = latencyCurve(aRun(), 'accept');
    const spec = latencyCurveSpec('Accept latency', points);
    expect(() => compile(spec)).not.toThrow();
    expect(values(spec)).toEqual(points);
    expect(JSON.stringify(spec)).toContain("'p99.9'");
    expect(spec).toMatchObject({ title: 'Accept latency', encoding: { x: { scale: { domain: [0, 2] } }, y: { scale: { type: 'log' } } } });
  });

  it('timelineSpec - shades the measured window behind the lines', () => {
    const spec = timelineSpec('Throughput', 'orders per second', throughputSeries(aRun({ timeline: aTimeline() })), { from: 5, to: 35 });
    expect(() => compile(spec)).not.toThrow();
    expect(spec).toMatchObject({ layer: [{ data: { values: [{ from: 5, to: 35 }] }, mark: { type: 'rect' } }, { mark: { type: 'line' } }] });
  });

  it('perOrderSpec - keeps a bar row for every style, those with nothing included', () => {
    const spec = perOrderSpec('Reads', 'requests per order', perOrderParts([aRun(), aRun({ style: 'collaboration' })], 'reads'), ['rest', 'collaboration']);
    expect(spec).toMatchObject({ encoding: { y: { scale: { domain: ['rest', 'collaboration'] } } } });
  });
});

describe('figures', () => {
  it('says why there is no chart over time for a run saved without a timeline, and still lists its numbers elsewhere', () => {
    const groups = figureGroups([aRun()]);
    const overTime = groups.find((g) => g.title === 'Over time')?.figures ?? [];
    expect(overTime.map((f) => f.id)).toEqual(['throughput-rest', 'accept-over-time-rest']);
    for (const f of overTime) {
      expect(f.spec).toBeNull();
      expect(f.note).toMatch(/without a per-second timeline/);
    }
    const latency = groups[0]?.figures[0];
    expect(latency?.table.rows[0]).toEqual(['rest', '6,000', '2.13', '3.83', '7.46', '12.8', '19.2']);
  });

  it('renderSvg - draws the marks and names the chart for screen readers', async () => {
    const svg = await renderSvg(latencyCurveSpec('Accept <latency>', latencyCurve(aRun(), 'accept')), 'Accept <latency>');
    expect(svg).toMatch(/^<svg[^>]* role="img" aria-label="Accept &lt;latency&gt;"><title>Accept &lt;latency&gt;<\/title>/);
    expect(svg).toMatch(/class="mark-line role-mark/);
    expect(svg).toContain('p90');
  });
});
