import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSoak } from '../src/measure/soak/soak-run.ts';
import { LOAD_GENERATOR, soakTargets } from '../src/measure/soak/soak.ts';
import { natsWindow, readNats, readSystemProcesses, walBytes } from '../src/measure/engine/runtime-stats.ts';
import { startPrivateNatsServer } from '../src/runtime/nats-server.ts';
import { startRestSystem, type TestSystem } from './support/system.ts';

/** Holds the event loop, as a stall would. */
function block(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy: nothing else runs on this loop meanwhile
  }
}

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("a system's processes report their runtime at /metrics/process", () => {
  let ts: TestSystem;
  beforeAll(async () => {
    ts = await startRestSystem();
  });
  afterAll(() => ts?.stop());

  it('inproc is one process: its event-loop delay since the last read, GC pauses by kind, and the checkpoints of its databases', async () => {
    await ts.aFundedUser(10_000); // writes to auth and billing
    await readSystemProcesses(ts.url); // starts a window: the delay histogram is reset at each read
    // After a reset monitorEventLoopDelay measures from its next turn (10 ms): a stall before it goes unseen.
    await new Promise((r) => setTimeout(r, 30));
    block(120);
    // and it records a stall at its next turn, which a request served at once could precede
    await new Promise((r) => setTimeout(r, 30));
    const [blocked, ...others] = await readSystemProcesses(ts.url);
    expect(others).toEqual([]);
    expect(blocked).toMatchObject({ label: 'system', pid: process.pid });
    // The 120 ms block is in this window's delay: prom-client's collector is monitorEventLoopDelay's histogram.
    expect(blocked?.loopDelay?.maxMs).toBeGreaterThanOrEqual(100);
    // The histogram gives a percentile as its bucket's value, which may pass the exact maximum by a little.
    expect(blocked?.loopDelay?.p99Ms).toBeLessThanOrEqual((blocked?.loopDelay?.maxMs ?? 0) * 1.01);

    const [system] = await until(
      () => readSystemProcesses(ts.url),
      // A checkpoint within a second or so; a young-generation GC comes with any work.
      (r) => Object.keys(r[0]?.checkpoints ?? {}).length > 0 && (r[0]?.gc['minor']?.count ?? 0) > 0,
      'a checkpoint and a GC',
    );
    expect(Object.keys(system?.gc ?? {}).every((kind) => ['major', 'minor', 'incremental', 'weakcb'].includes(kind))).toBe(true);
    const minor = system?.gc['minor'];
    expect(minor?.sumS).toBeGreaterThan(0);
    expect(minor?.buckets.at(-1)?.[1]).toBe(minor?.count); // every pause is under the last bound
    expect(system?.heapUsedBytes).toBeGreaterThan(0);
    const checkpoints = Object.entries(system?.checkpoints ?? {});
    // run on the checkpoint thread; the event loop's own comes only once a log passes 16 MiB
    expect(checkpoints.map(([db]) => db).every((db) => /^(auth|billing|order|notification)\.sqlite on worker$/.test(db))).toBe(true);
    for (const [, h] of checkpoints) expect(h.count).toBeGreaterThan(0);
  });

  it("lists each database's write-ahead log by its path in the data directory", async () => {
    const wal = await walBytes(ts.system.dataDir);
    expect(Object.keys(wal)).toEqual(expect.arrayContaining(['auth/auth.sqlite-wal', 'billing/billing.sqlite-wal']));
    for (const bytes of Object.values(wal)) expect(bytes).toBeGreaterThanOrEqual(0);
  });
});

describe('a system in trouble', () => {
  it('is still read when its /health answers 503 degraded, and gives no reading, not an error, when nothing answers', async () => {
    const metrics = [{ name: 'nodejs_eventloop_lag_max_seconds', values: [{ labels: {}, value: 0.25 }] }];
    const server = createServer((req, res) => {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      if (req.url === '/health') {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'degraded', processes: [{ service: 'gateway', pid: 41 }, { service: 'order', url, pid: 42, replica: 2 }] }));
      } else if (req.url === '/metrics/process') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(metrics));
      } else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const read = await readSystemProcesses(url);
      expect(read.map((r) => [r.label, r.pid, r.loopDelay?.maxMs])).toEqual([
        ['gateway', 41, 250],
        ['order#2', 42, 250],
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await readSystemProcesses(url)).toEqual([]);
  });
});

describe("nats-server's own counters", () => {
  it('reads /varz and /jsz, and counts the messages of a window', async () => {
    const server = await startPrivateNatsServer();
    try {
      const before = await readNats(server.monitorUrl);
      const nc = await connect({ servers: server.url });
      for (let i = 0; i < 5; i++) nc.publish('soak.probe', 'x');
      await nc.flush();
      await nc.close();
      const after = await readNats(server.monitorUrl);

      expect(after.memBytes).toBeGreaterThan(0);
      const window = natsWindow(before, after);
      expect(window.inMsgs).toBeGreaterThanOrEqual(5);
      expect(window.slowConsumers).toBe(0);
      expect(window.storageBytes).toBeGreaterThanOrEqual(0);
    } finally {
      await server.stop();
    }
  });
});

describe('a soak row', () => {
  it('carries every process of the system and the load generator, the write-ahead logs, and the stall targets', async () => {
    const windows = await runSoak({ style: 'rest', rate: 5, durationMs: 4_000, windowMs: 2_000, users: 2, seed: 1, insufficient: 0.2, maxInflight: 1000 });

    expect(windows.map((w) => w.index)).toEqual([0, 1]);
    for (const w of windows) {
      expect(w.processes.map((p) => p.process).sort()).toEqual([LOAD_GENERATOR, 'system']);
      for (const p of w.processes) {
        expect(p.pid).toBeGreaterThan(0);
        expect(p.heapUsedBytes).toBeGreaterThan(0);
        for (const g of Object.values(p.gc)) expect(g.totalMs).toBeGreaterThanOrEqual(0);
      }
      expect(Object.keys(w.walBytes).length).toBe(4);
      expect(w.nats).toBeNull();
    }
    // a delay is measured in each window of a running system
    expect(windows.every((w) => w.processes.every((p) => p.loopDelay !== null))).toBe(true);
    expect(soakTargets(windows).map((t) => t.target)).toEqual([
      'worst window p99 ÷ median window p99',
      'requests shed',
      'longest event-loop delay, ms',
    ]);
  }, 60_000);
});
