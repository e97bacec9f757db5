import { describe, expect, it } from 'vitest';
import { compareRuns } from './compare.ts';
import { aRun } from './test-builders.ts';

const rest = aRun({
  style: 'rest',
  latency: { accept: { p99: 8 }, completion: { p50: 20, p99: 40 } },
  throughput: { completed: 200 },
  readLoad: { perOrder: 3 },
  messages: { perOrder: 0 },
  cost: { cpuMsPerOrder: 2 },
});
const notification = aRun({
  style: 'notification',
  latency: { accept: { p99: 4 }, completion: { p50: 10, p99: 60 } },
  throughput: { completed: 150 },
  readLoad: { perOrder: 1.5 },
  messages: { perOrder: 3 },
  cost: { cpuMsPerOrder: 3 },
});

describe('compareRuns', () => {
  it('divides each style’s values by the rest run’s, rest itself being ×1', () => {
    const compare = compareRuns([rest, notification], '2026-11-25T13:07:12.000Z');
    expect(compare.schema).toBe('interplay/compare@1');
    expect(compare.createdAt).toBe('2026-11-25T13:07:12.000Z');
    expect(compare.ratios.notification).toEqual({
      acceptP99: 0.5,
      completionP50: 0.5,
      completionP99: 1.5,
      throughputCompleted: 0.75,
      readLoadPerOrder: 0.5,
      messagesPerOrder: null,
      cpuMsPerOrder: 1.5,
    });
    expect(compare.ratios.rest).toMatchObject({ acceptP99: 1, completionP99: 1, readLoadPerOrder: 1, cpuMsPerOrder: 1 });
  });

  it('gives null, not infinity, where rest’s value is 0 (REST publishes no messages)', () => {
    const compare = compareRuns([rest, notification], 'now');
    expect(compare.ratios.notification?.messagesPerOrder).toBeNull();
    expect(compare.ratios.rest?.messagesPerOrder).toBeNull();
  });

  it('gives a zero ratio where only the other style’s value is 0', () => {
    const collaboration = aRun({ style: 'collaboration', readLoad: { perOrder: 0 } });
    expect(compareRuns([rest, collaboration], 'now').ratios.collaboration?.readLoadPerOrder).toBe(0);
  });

  it('has no ratios without a rest run', () => {
    expect(compareRuns([notification, aRun({ style: 'collaboration' })], 'now').ratios).toEqual({});
  });

  it('orders runs rest, notification, collaboration whatever order they come in', () => {
    const compare = compareRuns([aRun({ style: 'collaboration' }), notification, rest], 'now');
    expect(compare.runs.map((r) => r.style)).toEqual(['rest', 'notification', 'collaboration']);
  });

  it('refuses two runs of the same style', () => {
    let error: unknown;
    try {
      compareRuns([rest, rest], 'now');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: 'ReportError', code: 'REPORT.DUPLICATE_STYLE' });
  });
});

describe('compareRuns - a rest run that measured nothing', () => {
  it('saves the ratios the schema types as numbers as null in JSON, as its comment promises', () => {
    const empty = aRun({ style: 'rest', latency: { completion: { p50: 0, p99: 0 } }, throughput: { completed: 0 } });
    const ratios = compareRuns([empty, notification], 'now').ratios.notification;
    expect(ratios?.completionP50).toBeNull();
    expect(JSON.parse(JSON.stringify(ratios))).toMatchObject({ completionP50: null, completionP99: null, throughputCompleted: null });
  });
});
