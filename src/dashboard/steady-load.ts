import { runLoad, type LoadRun } from '../measure/engine/engine.ts';
import type { RequestContext } from '../measure/engine/load-options.ts';
import type { LoadResponse } from '../measure/engine/tally.ts';

export interface SteadyLoadOptions {
  /** intended requests per second at the start */
  readonly rate: number;
  /** requests open at once per segment; a send due beyond it is dropped and counted */
  readonly maxInflight: number;
  readonly request: (ctx: RequestContext) => Promise<LoadResponse>;
  /** `completedAt` is on the same clock as `intendedAt` (ms) */
  readonly onResponse: (intendedAt: number, completedAt: number, response: LoadResponse) => void;
  readonly onError: (intendedAt: number, error: unknown) => void;
}

export interface SteadyLoad {
  readonly rate: number;
  /** sends due so far, including dropped ones */
  readonly scheduled: number;
  readonly sent: number;
  readonly dropped: number;
  /** sent and not answered yet */
  readonly inflight: number;
  /** ends the current schedule and starts one at `rate` from now */
  setRate(rate: number): void;
  /** ends the schedule and waits for open requests (at most DRAIN_MS) */
  stop(): Promise<void>;
}

/** a whole demo; the schedule is restarted long before it ends whenever the rate changes */
const SEGMENT_MS = 24 * 3_600_000;
/** ms a stopped segment waits for its open requests: a quit or a style switch should not hang on a stopped service */
const DRAIN_MS = 2_000;

/**
 * An open-loop load that runs until stopped and whose rate can change. Each rate is its own run of
 * the load engine, so every request is still timed from its intended send time; a change ends the
 * old schedule and starts the new one at once, and the old run's open requests finish beside it.
 */
export function steadyLoad(opts: SteadyLoadOptions): SteadyLoad {
  let rate = opts.rate;
  let sent = 0;
  let answered = 0;
  /** dropped sends per segment: its latest tick's count, then its result's */
  const dropped = new Map<LoadRun, number>();
  const draining = new Set<Promise<unknown>>();
  let run: LoadRun | undefined;

  const start = () => {
    const segment = runLoad({
      mode: 'open',
      rate,
      durationMs: SEGMENT_MS,
      maxInflight: opts.maxInflight,
      drainTimeoutMs: DRAIN_MS,
      request: (_i, ctx) => {
        sent++;
        return opts.request(ctx);
      },
      onResponse: (_i, intendedAt, res, info) => {
        answered++;
        opts.onResponse(intendedAt, info.completedAt, res);
      },
      onError: (_i, intendedAt, error) => {
        answered++;
        opts.onError(intendedAt, error);
      },
    });
    segment.on('tick', (t) => dropped.set(segment, t.dropped));
    run = segment;
  };

  const end = (segment: LoadRun) => {
    segment.stop();
    const done = segment.result.then(
      (r) => dropped.set(segment, r.dropped + r.warmup.dropped),
      () => undefined,
    );
    draining.add(done);
    void done.finally(() => draining.delete(done));
  };

  const droppedSum = () => [...dropped.values()].reduce((a, b) => a + b, 0);
  start();
  return {
    get rate() {
      return rate;
    },
    get scheduled() {
      return sent + droppedSum();
    },
    get sent() {
      return sent;
    },
    get dropped() {
      return droppedSum();
    },
    get inflight() {
      return sent - answered;
    },
    setRate(next) {
      if (!(Number.isFinite(next) && next > 0)) throw new RangeError(`rate must be > 0 per s, got ${next}`);
      const old = run;
      rate = next;
      start();
      if (old) end(old);
    },
    async stop() {
      const old = run;
      run = undefined;
      if (old) end(old);
      await Promise.all([...draining]);
    },
  };
}
