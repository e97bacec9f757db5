import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSchemas, RESULT_NAMES, schemaPath, type ResultName } from './schema.ts';
import { aggregate } from '../measure/bench/aggregate.ts';
import { LatencyHistogram } from '../measure/engine/histogram.ts';
import type { RawRun } from '../measure/bench/raw.ts';
import { compareRepeats } from '../report/compare.ts';
import { aCompare, aRun, aTimeline } from '../report/test-builders.ts';

const summary = { count: 4, mean: 6.5, p50: 6, p90: 8, p99: 8, p999: 8, max: 8 };

/** A raw run as collectRun saves it: 4 orders in a 1 s window, one never delivered, one delivery without a type. */
function aRawRun(): RawRun {
  const accept = new LatencyHistogram();
  for (const ms of [5, 6, 7, 8]) accept.record(ms);
  const counts = { scheduled: 4, sent: 4, dropped: 0, completed: 4, ok: 4, errors: 0, unfinished: 0 };
  return {
    schema: 'interplay/raw@1',
    style: 'rest',
    config: { style: 'rest', mode: 'open', rate: 4, users: 1, seed: 1, insufficient: 0.2, durationMs: 1000, warmupMs: 0, drainMs: 1000, maxInflight: 10, argv: ['bench'] },
    environment: aRun().environment,
    load: {
      ...counts, byStatus: { '201': 4 }, errorsByStatus: {}, byKind: { accepted: 4 }, errorsByKind: {},
      mode: 'open', startedAt: '2026-01-01T00:00:00.000Z', offered: 4, sendRate: 4, throughput: 4, accept: summary,
      acceptHistogram: accept.encode(), sendLag: summary, warmup: { sent: 0, dropped: 0, completed: 0 },
      durations: { warmupMs: 0, plannedMs: 1000, measuredMs: 1000, drainMs: 10, totalMs: 1010 }, stopped: false,
    },
    timelineOrigin: 0,
    windowStart: 0,
    orders: ['a', 'b', 'c', 'd'].map((id, i) => ({ id, intendedAt: i * 250, answeredAt: i * 250 + 5, warmup: false })),
    deliveries: [
      { orderId: 'a', type: 'order.paid', receivedAt: 20 },
      { orderId: 'b', type: undefined, receivedAt: 300 },
      { orderId: 'c', type: 'order.payment-failed', receivedAt: 700 },
    ],
    failures: {},
    shed: 0,
    ticks: [{ phase: 'measure', elapsedMs: 1000, sent: 4, completed: 4, inflight: 0, dropped: 0, errors: 0, rateLastSecond: 4 }],
    metrics: { before: [['interplay_http_client_requests_total{}', 0]], after: [['interplay_http_client_requests_total{}', 12]] },
    processes: { before: { system: { cpuMs: 100, rssBytes: 1, rssPeakBytes: 50 }, gone: undefined }, after: { system: { cpuMs: 150, rssBytes: 1, rssPeakBytes: 80 } } },
  };
}

const aCeiling = {
  heldRate: 200, ordersPerSecond: 800, efficiency: 0.25, modelCpuMsPerOrder: 1.2, helloPerOrder: 40, helloShare: 0.01,
  hops: { http: 5, messages: 0, commits: 5 }, hopsFrom: 'known', cores: 2, calibratedAt: '2026-01-01T00:00:00.000Z',
} as const;

const aCalibration = {
  schema: 'interplay/calibration@1', createdAt: '2026-01-01T00:00:00.000Z', durationMs: 3000, cores: 2,
  environment: { node: 'v20.20.2', cpuModel: 'AMD EPYC', cpuCount: 2, natsServer: null, loadAverage: 0.5 },
  primitives: Object.fromEntries(['hello', 'http', 'jetstream', 'sqlite'].map((p) => [p, { perSecond: 1000, cpuUsPerOp: 50, ops: 3000, samples: 3, concurrency: 4, cpuOf: 'this process' }])),
};

/** what a saved file holds: the JSON text read back */
const saved = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('docs/schema', () => {
  const generated = generateSchemas();
  const committed = new Map<ResultName, string>();
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats.default(ajv);

  beforeAll(async () => {
    for (const name of RESULT_NAMES) committed.set(name, await readFile(schemaPath(name), 'utf8').catch(() => ''));
  });

  const validate = (name: ResultName, value: unknown) => {
    const check = ajv.compile(JSON.parse(committed.get(name) || (generated.get(schemaPath(name)) ?? '')));
    return check(saved(value)) ? 'valid' : ajv.errorsText(check.errors);
  };

  it.each(RESULT_NAMES)('schema - the committed %s.schema.json is what the TypeBox schema generates now', (name) => {
    expect(committed.get(name), `docs/schema/${name}.schema.json is stale: run npm run schema`).toBe(generated.get(schemaPath(name)));
  });

  it('schema - run.schema.json accepts a run with every optional part, and one aggregated from a raw run', () => {
    expect(validate('run', aRun({ style: 'notification', timeline: aTimeline(), ceiling: aCeiling }))).toBe('valid');
    expect(validate('run', aggregate(aRawRun()))).toBe('valid');
  });

  it('schema - run.schema.json accepts a run saved before shed orders were counted, and refuses a count that is text', () => {
    const { shed: _none, ...orders } = aRun().orders;
    expect(validate('run', { ...aRun(), orders })).toBe('valid');
    expect(validate('run', aRun({ orders: { placed: '6000' as unknown as number } }))).toMatch(/\/orders\/placed must be integer/);
  });

  it('schema - compare.schema.json accepts a comparison with repeats and refuses an unknown style', () => {
    const repeated = compareRepeats([aRun({ style: 'rest' }), aRun({ style: 'rest', latency: { completion: { p99: 99 } } })], '2026-11-25T13:07:12.000Z');
    expect(validate('compare', aCompare())).toBe('valid');
    expect(validate('compare', repeated)).toBe('valid');
    expect(validate('compare', { ...aCompare(), runs: [{ ...aRun(), style: 'grpc' }] })).toMatch(/\/runs\/0\/style/);
  });

  it('schema - raw.schema.json accepts a raw run as bench saves it', () => {
    expect(validate('raw', aRawRun())).toBe('valid');
  });

  it("schema - a raw run with each process's runtime validates, and its run holds the run's event-loop delay, GC and checkpoints", () => {
    const reading = (label: string, minor: number, checkpoints: number, maxMs: number) => ({
      label, pid: 7, loopDelay: { maxMs, p99Ms: 2 }, heapUsedBytes: 5e7,
      gc: { minor: { count: minor, sumS: minor * 0.002, buckets: [[0.001, 0], [0.005, minor]] as [number, number][] } },
      checkpoints: { 'order.sqlite on worker': { count: checkpoints, sumS: checkpoints * 0.004, buckets: [[0.005, checkpoints]] as [number, number][] } },
    });
    const raw = { ...aRawRun(), runtime: { before: [reading('system', 10, 3, 1)], after: [reading('system', 14, 5, 87)] } };
    expect(validate('raw', raw)).toBe('valid');
    const run = aggregate(raw);
    expect(validate('run', run)).toBe('valid');
    expect(run.runtime).toEqual([
      {
        process: 'system', pid: 7, loopDelay: { maxMs: 87, p99Ms: 2 }, heapUsedBytes: 5e7,
        gc: { minor: { count: 4, totalMs: expect.closeTo(8, 6), longestMs: 5 } },
        checkpoints: { worker: { count: 2, totalMs: expect.closeTo(8, 6), longestMs: 5 }, eventLoop: null },
      },
    ]);
  });

  it("schema - a raw run with links validates, and its run holds each link's bytes per direction and CPU over the run", () => {
    const link = (name: string, pid: number, forward: number, backward: number, cpuMs: number) => ({ name, pid, forward, backward, connections: 2, cpuMs });
    const raw = {
      ...aRawRun(),
      links: { before: [link('order>billing', 40, 1_000, 500, 120)], after: [link('order>billing', 40, 9_000, 4_500, 160)] },
    };
    expect(validate('raw', raw)).toBe('valid');
    const run = aggregate(raw);
    expect(validate('run', run)).toBe('valid');
    // 4 orders: 8,000 bytes there and 4,000 back, 40 ms of the link's own CPU.
    expect(run.links).toEqual({
      'order>billing': { bytes: { forward: 8_000, backward: 4_000 }, bytesPerOrder: { forward: 2_000, backward: 1_000 }, connections: 0, cpuMs: 40, cpuMsPerOrder: 10 },
    });
    // A run without links, and one saved before links were counted, have none.
    expect(aggregate(aRawRun()).links).toBeUndefined();
  });

  it('schema - calibration.schema.json accepts a calibration and refuses a primitive at zero per second', () => {
    expect(validate('calibration', aCalibration)).toBe('valid');
    const zero = { ...aCalibration, primitives: { ...aCalibration.primitives, sqlite: { ...aCalibration.primitives['hello'], perSecond: 0 } } };
    expect(validate('calibration', zero)).toMatch(/\/primitives\/sqlite\/perSecond must be > 0/);
  });
});
