import { describe, expect, it } from 'vitest';
import { now } from './clock.ts';
import { runLoad } from './engine.ts';
import type { LoadResponse, LoadTick, RequestContext } from '../index.ts';

const ok: LoadResponse = { status: 200 };
const answerSoon = (): Promise<LoadResponse> => new Promise((resolve) => setImmediate(() => resolve(ok)));

/** Resolves after at least `ms` on our clock (a timer alone may fire a fraction of a ms early). */
async function pause(ms: number): Promise<void> {
  const until = now() + ms;
  while (now() < until) await new Promise((resolve) => setTimeout(resolve, Math.max(1, until - now())));
}

const answerAfter = async (ms: number): Promise<LoadResponse> => {
  await pause(ms);
  return ok;
};

/** A fake server that handles one request at a time, like a single worker with a queue. */
function serialServer(serviceMs: (i: number) => number): (i: number) => Promise<LoadResponse> {
  let tail: Promise<unknown> = Promise.resolve();
  return (i) => {
    const done = tail.then(() => answerAfter(serviceMs(i)));
    tail = done;
    return done;
  };
}

function busyWait(ms: number): void {
  const until = now() + ms;
  while (now() < until);
}

describe('runLoad, open mode', () => {
  it('sends rate × duration requests on a uniform schedule and counts them all', async () => {
    const result = await runLoad({ mode: 'open', rate: 200, durationMs: 500, request: answerSoon }).result;
    expect(result).toMatchObject({ mode: 'open', scheduled: 100, sent: 100, dropped: 0, completed: 100, ok: 100 });
    expect(result.offered).toBeCloseTo(200, 0);
    expect(result.accept.count).toBe(100);
    expect(result.byStatus).toEqual({ '200': 100 });
    expect(result.unfinished).toBe(0);
  });

  it('drops, rather than queues, sends that fall due while maxInflight requests are in flight', async () => {
    const held: Array<() => void> = [];
    const run = runLoad({
      mode: 'open',
      rate: 100,
      durationMs: 200,
      maxInflight: 5,
      tickIntervalMs: 20,
      request: () => new Promise<LoadResponse>((resolve) => held.push(() => resolve(ok))),
    });
    const ticks: LoadTick[] = [];
    run.on('tick', (t) => {
      ticks.push(t);
      // Release only once the window is over, so every later arrival met a full engine.
      if (t.phase === 'drain') for (const release of held.splice(0)) release();
    });
    const result = await run.result;
    expect(result).toMatchObject({ scheduled: 20, sent: 5, dropped: 15, completed: 5, unfinished: 0 });
    expect(result.offered).toBeCloseTo(100, 0);
    expect(Math.max(...ticks.map((t) => t.inflight))).toBe(5);
  });

  it('measures latency from the intended send time, so requests queued behind a stall show it', async () => {
    const latencies: number[] = [];
    const result = await runLoad({
      mode: 'open',
      rate: 100,
      durationMs: 1000,
      request: serialServer((i) => (i === 10 ? 200 : 1)),
      onResponse: (_i, intendedAt, _res, info) => latencies.push(info.completedAt - intendedAt),
    }).result;
    expect(result.completed).toBe(100);
    expect(result.accept.max).toBeGreaterThanOrEqual(200);
    expect(result.accept.p99).toBeGreaterThanOrEqual(180);
    // The ~19 arrivals during the stall waited 10–190 ms each; none of that is hidden.
    expect(latencies.filter((ms) => ms >= 50).length).toBeGreaterThanOrEqual(14);
    expect(result.accept.p90).toBeGreaterThanOrEqual(50);
  });

  it('charges a blocked event loop to the requests that were due during the block', async () => {
    const result = await runLoad({
      mode: 'open',
      rate: 200,
      durationMs: 600,
      request: (i) => {
        if (i === 20) busyWait(150);
        return answerSoon();
      },
    }).result;
    expect(result.sent).toBe(120);
    expect(result.sendLag.max).toBeGreaterThanOrEqual(100);
    expect(result.accept.p99).toBeGreaterThanOrEqual(100);
  });

  it('sends warm-up requests but leaves them out of the statistics', async () => {
    const seen: boolean[] = [];
    const result = await runLoad({
      mode: 'open',
      rate: 100,
      warmupMs: 200,
      durationMs: 300,
      request: (_i, ctx: RequestContext) => {
        seen.push(ctx.warmup);
        return answerSoon();
      },
    }).result;
    expect(seen.filter((w) => w).length).toBe(20);
    expect(result.warmup).toEqual({ sent: 20, dropped: 0, completed: 20 });
    expect(result).toMatchObject({ scheduled: 30, sent: 30, completed: 30 });
    expect(result.accept.count).toBe(30);
  });

  it('counts statuses, kinds and thrown errors by code or name, and keeps errors out of the latency', async () => {
    const result = await runLoad({
      mode: 'open',
      rate: 100,
      durationMs: 200,
      request: async (i) => {
        if (i % 4 === 1) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
        if (i % 4 === 2) throw new TypeError('bad');
        if (i % 4 === 3) return { status: 422, kind: 'insufficient_funds' };
        return { status: 202, kind: 'accepted' };
      },
    }).result;
    expect(result).toMatchObject({ completed: 20, ok: 5, errors: 15 });
    expect(result.byStatus).toEqual({ '202': 5, '422': 5 });
    expect(result.errorsByStatus).toEqual({ '422': 5 });
    expect(result.byKind).toEqual({ accepted: 5, insufficient_funds: 5 });
    expect(result.errorsByKind).toEqual({ ECONNRESET: 5, TypeError: 5 });
    expect(result.accept.count).toBe(5);
  });

  it('aborts requests still in flight at the drain deadline and counts them unfinished', async () => {
    let aborted = 0;
    const result = await runLoad({
      mode: 'open',
      rate: 100,
      durationMs: 100,
      drainTimeoutMs: 50,
      request: (i, ctx) => {
        if (i !== 3) return answerSoon();
        return new Promise<LoadResponse>((_resolve, reject) =>
          ctx.signal.addEventListener('abort', () => {
            aborted++;
            reject(new Error('aborted'));
          }),
        );
      },
    }).result;
    expect(result).toMatchObject({ sent: 10, completed: 9, unfinished: 1 });
    expect(aborted).toBe(1);
  });
});

describe('runLoad, closed mode', () => {
  it('keeps exactly `connections` requests in flight and sends the next one when one finishes', async () => {
    let inflight = 0;
    let peak = 0;
    const result = await runLoad({
      mode: 'closed',
      connections: 4,
      durationMs: 300,
      request: async () => {
        peak = Math.max(peak, ++inflight);
        await answerSoon();
        inflight--;
        return ok;
      },
    }).result;
    expect(peak).toBe(4);
    expect(result.completed).toBe(result.sent);
    expect(result.completed).toBeGreaterThan(100);
    expect(result.throughput).toBeGreaterThan(300);
    expect(result.dropped).toBe(0);
  });

  it('shows one stalled response in the max and the tail', async () => {
    const result = await runLoad({
      mode: 'closed',
      connections: 2,
      durationMs: 400,
      request: (i) => answerAfter(i === 5 ? 200 : 1),
    }).result;
    expect(result.accept.max).toBeGreaterThanOrEqual(200);
  });
});

describe('runLoad, events and control', () => {
  it('emits ticks while running and done with the same result it resolves', async () => {
    const run = runLoad({ mode: 'open', rate: 100, durationMs: 300, tickIntervalMs: 100, request: answerSoon });
    const ticks: LoadTick[] = [];
    run.on('tick', (t) => ticks.push(t));
    const done = new Promise((resolve) => run.once('done', resolve));
    const result = await run.result;
    expect(await done).toBe(result);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.at(-1)).toMatchObject({ sent: 30, completed: 30, inflight: 0 });
  });

  it('ends the window early on stop() and still drains', async () => {
    const run = runLoad({ mode: 'open', rate: 100, durationMs: 10_000, tickIntervalMs: 50, request: answerSoon });
    run.once('tick', () => run.stop());
    const result = await run.result;
    expect(result.stopped).toBe(true);
    expect(result.sent).toBeLessThan(50);
    expect(result.completed).toBe(result.sent);
    expect(result.durations.measuredMs).toBeLessThan(1000);
  });

  it('fails the run when the onResponse hook throws, rejecting the result and emitting error', async () => {
    const run = runLoad({
      mode: 'open',
      rate: 100,
      durationMs: 1000,
      request: answerSoon,
      onResponse: (i) => {
        if (i === 2) throw new Error('hook broke');
      },
    });
    const emitted = new Promise<Error>((resolve) => run.on('error', resolve));
    await expect(run.result).rejects.toThrow('hook broke');
    expect((await emitted).message).toBe('hook broke');
  });

  it('refuses bad options before starting anything', () => {
    const request = answerSoon;
    expect(() => runLoad({ mode: 'open', rate: -1, durationMs: 100, request })).toThrow(RangeError);
    expect(() => runLoad({ mode: 'open', rate: 10, durationMs: 100, maxInflight: 0, request })).toThrow(RangeError);
    expect(() => runLoad({ mode: 'closed', connections: 0, durationMs: 100, request })).toThrow(RangeError);
  });
});
