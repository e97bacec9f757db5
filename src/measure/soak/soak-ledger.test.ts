import { describe, expect, it } from 'vitest';
import { SoakLedger } from './soak-ledger.ts';
import type { SoakSample } from './soak.ts';

const MiB = 2 ** 20;
const aSample = (over: Partial<SoakSample> = {}): SoakSample => ({
  cpuMs: 0, systemRssBytes: 100 * MiB, natsRssBytes: 30 * MiB, broker: { backlog: 0, messages: 0, bytes: 0 }, dbBytes: 1_000_000,
  processes: [], walBytes: {}, nats: null, ...over,
});

/** A ledger started at clock 1000 whose first window holds three orders: two delivered, one shed. */
function aWindowOfThree(): SoakLedger {
  const ledger = new SoakLedger(1000, aSample());
  const a = ledger.send();
  const b = ledger.send();
  const c = ledger.send();
  ledger.answer(a, { type: 'accepted', id: 'a', intendedAt: 1000 });
  ledger.answer(b, { type: 'accepted', id: 'b', intendedAt: 1100 });
  ledger.answer(c, { type: 'shed' });
  ledger.deliver('a', 1010);
  ledger.deliver('b', 1150);
  return ledger;
}

describe('SoakLedger', () => {
  it('makes a row of the window: counts, completion of its orders, CPU per completed order, DB bytes per accepted order', () => {
    const ledger = aWindowOfThree();
    const index = ledger.cut(31_000, 3);
    expect(ledger.take(31_000, 5_000)).toEqual([]); // not sampled yet
    ledger.sampled(index, aSample({ cpuMs: 40, dbBytes: 1_002_000, broker: { backlog: 2, messages: 6, bytes: 900 } }));
    const [row] = ledger.take(31_000, 5_000);
    expect(row).toEqual({
      index: 0, startS: 0, endS: 30, offered: 3, accepted: 2, completed: 2, failed: 0, shed: 1, late: 0,
      // HdrHistogram gives a bucket's top: 3 significant digits
      completion: { count: 2, p50: expect.closeTo(10, 1), p99: 50 },
      cpuMsPerOrder: 20, systemRssBytes: 100 * MiB, natsRssBytes: 30 * MiB,
      backlog: 2, streamMessages: 6, streamBytes: 900, dbBytes: 1_002_000, ordersStored: 2, dbBytesPerOrder: 1000,
      processes: [], walBytes: {}, nats: null,
    });
    expect(ledger.take(40_000, 5_000)).toEqual([]); // each row once
  });

  it('times an order sent late in a window against that window even when it completes in the next', () => {
    const ledger = new SoakLedger(0, aSample());
    const sentIn = ledger.send();
    ledger.sampled(ledger.cut(10_000, 1), aSample({ cpuMs: 5 }));
    expect(ledger.take(10_000, 5_000)).toEqual([]); // waiting for its order
    ledger.answer(sentIn, { type: 'accepted', id: 'x', intendedAt: 9_990 });
    ledger.deliver('x', 10_040);
    const [first] = ledger.take(10_050, 5_000);
    expect(first).toMatchObject({ index: 0, accepted: 0, completed: 0, completion: { count: 1, p50: 50, p99: 50 }, cpuMsPerOrder: null, late: 0 });
    ledger.sampled(ledger.cut(20_000, 1), aSample({ cpuMs: 9 }));
    expect(ledger.take(20_000, 5_000)).toMatchObject([{ index: 1, offered: 0, accepted: 1, completed: 1, cpuMsPerOrder: 4, completion: { count: 0 } }]);
  });

  it('gives a window up after the grace with its undelivered orders as late, left out of its latency', () => {
    const ledger = new SoakLedger(0, aSample());
    const [a, b] = [ledger.send(), ledger.send()];
    ledger.answer(a, { type: 'accepted', id: 'a', intendedAt: 0 });
    ledger.answer(b, { type: 'accepted', id: 'b', intendedAt: 5 });
    ledger.deliver('a', 20);
    ledger.sampled(ledger.cut(10_000, 2), aSample());
    expect(ledger.take(14_999, 5_000)).toEqual([]);
    expect(ledger.take(15_000, 5_000)).toMatchObject([{ late: 1, completion: { count: 1, p99: 20 } }]);
    ledger.deliver('b', 16_000); // completes, in the window it arrives in
    ledger.sampled(ledger.cut(20_000, 2), aSample());
    expect(ledger.take(20_000, 5_000)).toMatchObject([{ index: 1, completed: 1, completion: { count: 0 } }]);
  });

  it('takes a delivery that came before its 201 was read', () => {
    const ledger = new SoakLedger(0, aSample());
    const sentIn = ledger.send();
    ledger.deliver('x', 30);
    ledger.answer(sentIn, { type: 'accepted', id: 'x', intendedAt: 0, deliveredAt: 30 });
    ledger.sampled(ledger.cut(1_000, 1), aSample());
    expect(ledger.take(1_000, 5_000)).toMatchObject([{ completed: 1, late: 0, completion: { count: 1, p50: 30 } }]);
  });

  it("gives each process's window against its own previous reading, and nats-server's counts of the window", () => {
    const gc = (count: number, sumS: number, buckets: [number, number][]) => ({ minor: { count, sumS, buckets } });
    const reading = (label: string, count: number, sumS: number, buckets: [number, number][], maxMs: number) => ({
      label, pid: 7, loopDelay: { maxMs, p99Ms: maxMs / 2 }, heapUsedBytes: 50 * MiB, gc: gc(count, sumS, buckets), checkpoints: {},
    });
    const nats = (inMsgs: number, apiTotal: number) => ({ cpuPercent: 3, memBytes: 40 * MiB, inMsgs, outMsgs: 2 * inMsgs, slowConsumers: 0, storageBytes: 4096, apiTotal, apiErrors: 0 });
    const ledger = new SoakLedger(0, aSample({ processes: [reading('system', 10, 0.02, [[0.001, 5], [0.01, 10]], 3)], nats: nats(100, 8) }));
    ledger.sampled(
      ledger.cut(10_000, 0),
      aSample({ processes: [reading('system', 13, 0.05, [[0.001, 5], [0.01, 13]], 40)], nats: nats(400, 9), walBytes: { 'order/order.db-wal': 4 * MiB } }),
    );
    const [row] = ledger.take(10_000, 1_000);
    expect(row?.processes).toEqual([
      { process: 'system', pid: 7, loopDelay: { maxMs: 40, p99Ms: 20 }, heapUsedBytes: 50 * MiB, gc: { minor: { count: 3, totalMs: expect.closeTo(30, 6), longestMs: 10 } }, checkpoints: { worker: null, eventLoop: null } },
    ]);
    expect(row?.nats).toMatchObject({ inMsgs: 300, outMsgs: 600, apiRequests: 1, storageBytes: 4096 });
    expect(row?.walBytes).toEqual({ 'order/order.db-wal': 4 * MiB });
  });

  it('counts a failed request and gives rows in order only', () => {
    const ledger = new SoakLedger(0, aSample());
    ledger.answer(ledger.send(), { type: 'failed' });
    const first = ledger.cut(1_000, 1);
    const second = ledger.cut(2_000, 1);
    ledger.sampled(second, aSample());
    expect(ledger.take(2_000, 100)).toEqual([]); // the first is not sampled yet
    ledger.sampled(first, aSample());
    expect(ledger.take(2_000, 100).map((w) => [w.index, w.failed, w.offered])).toEqual([[0, 1, 1], [1, 0, 0]]);
    expect(ledger.cuts).toBe(2);
  });
});
