import { EventEmitter, setMaxListeners } from 'node:events';
import { now } from './clock.ts';
import { validateLoad } from './load-options.ts';
import type {
  ClosedLoadOptions,
  LoadEvents,
  LoadOptions,
  LoadResult,
  OpenLoadOptions,
} from './load-options.ts';
import { arrivalOffsets } from './schedule.ts';
import { LoadTally } from './tally.ts';
import type { LoadResponse, LoadTick } from './tally.ts';

/**
 * A running load. Await `run.result`, or listen: `tick` (every `tickIntervalMs`), `done`
 * (the same result) and `error` (the same rejection; emitted only if someone listens).
 */
export interface LoadRun extends EventEmitter<LoadEvents> {
  readonly result: Promise<LoadResult>;
  /** Ends the window now, then drains as usual. */
  stop(): void;
}

/** Starts on the next turn of the event loop, so listeners attached right away see every event. Throws RangeError on bad options. */
export function runLoad(opts: LoadOptions): LoadRun {
  validateLoad(opts);
  return new LoadEngine(opts);
}

class LoadEngine extends EventEmitter<LoadEvents> implements LoadRun {
  readonly result: Promise<LoadResult>;
  readonly #opts: LoadOptions;
  readonly #tally = new LoadTally();
  readonly #abort = new AbortController();
  readonly #warmupMs: number;
  #startAt = 0;
  #startedAt = '';
  #windowEndAt = 0;
  #phase: LoadTick['phase'] = 'warmup';
  #stopRequested = false;
  #finished = false;
  #lastTickAt = 0;
  #timers: NodeJS.Timeout[] = [];
  #onDrained: (() => void) | undefined;
  #resolve!: (r: LoadResult) => void;
  #reject!: (e: Error) => void;

  constructor(opts: LoadOptions) {
    super();
    // Every in-flight request may listen on the one signal.
    setMaxListeners(0, this.#abort.signal);
    this.#opts = opts;
    this.#warmupMs = opts.warmupMs ?? 0;
    this.result = new Promise<LoadResult>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // Callers that only listen to events must not crash on an unhandled rejection.
    this.result.catch(() => undefined);
    setImmediate(() => this.#start());
  }

  stop(): void {
    if (this.#stopRequested || this.#phase === 'drain') return;
    this.#stopRequested = true;
    if (this.#startAt > 0) this.#windowEndAt = Math.min(this.#windowEndAt, now());
  }

  #start(): void {
    this.#startAt = now();
    this.#lastTickAt = this.#startAt;
    this.#startedAt = new Date().toISOString();
    this.#windowEndAt = this.#startAt + this.#warmupMs + this.#opts.durationMs;
    if (this.#stopRequested) this.#windowEndAt = this.#startAt;
    const interval = this.#opts.tickIntervalMs ?? 1000;
    this.#timers.push(setInterval(() => this.#emitTick(), interval));
    const run = this.#opts.mode === 'open' ? this.#runOpen(this.#opts) : this.#runClosed(this.#opts);
    run.then(
      () => this.#drain(),
      (err: unknown) => this.#fail(err),
    );
  }

  #emitTick(): void {
    const t = now();
    if (this.#phase === 'warmup' && t - this.#startAt >= this.#warmupMs) this.#phase = 'measure';
    this.emit('tick', this.#tally.tick(this.#phase, t - this.#startAt, t - this.#lastTickAt));
    this.#lastTickAt = t;
  }

  /** Sends every arrival whose time has come, then sleeps until the next one (at least ~1 ms). */
  async #runOpen(opts: OpenLoadOptions): Promise<void> {
    const totalMs = this.#warmupMs + opts.durationMs;
    const arrivals = arrivalOffsets({
      rate: opts.rate,
      durationMs: totalMs,
      arrivals: opts.arrivals ?? 'uniform',
      seed: opts.seed ?? 1,
    });
    const maxInflight = opts.maxInflight ?? 10_000;
    const tally = this.#tally;
    let i = 0;
    let next = arrivals.next();
    while (!next.done && !this.#stopRequested && !this.#finished) {
      const elapsed = now() - this.#startAt;
      while (!next.done && next.value <= elapsed) {
        const warmup = next.value < this.#warmupMs;
        if (tally.inflight >= maxInflight) tally.dropped(warmup);
        else this.#send(i++, this.#startAt + next.value, warmup);
        next = arrivals.next();
      }
      if (next.done) break;
      await sleep(next.value - (now() - this.#startAt));
    }
    // Keep the window its planned length even when the last arrival came early.
    await this.#sleepUnlessStopped(this.#windowEndAt - now());
  }

  async #runClosed(opts: ClosedLoadOptions): Promise<void> {
    const endAt = this.#startAt + this.#warmupMs + opts.durationMs;
    let i = 0;
    const loop = async (): Promise<void> => {
      while (!this.#stopRequested && !this.#finished && now() < endAt) {
        const t = now();
        await this.#sendAndWait(i++, t, t - this.#startAt < this.#warmupMs);
      }
    };
    const loops = Array.from({ length: opts.connections }, loop);
    // The window closes at endAt even if some loops are still waiting for a slow response.
    await Promise.race([Promise.all(loops), this.#sleepUnlessStopped(endAt - now())]);
  }

  #send(i: number, intendedAt: number, warmup: boolean): void {
    void this.#sendAndWait(i, intendedAt, warmup);
  }

  /** Never rejects: a failing hook fails the run instead. */
  async #sendAndWait(i: number, intendedAt: number, warmup: boolean): Promise<void> {
    const tally = this.#tally;
    const opts = this.#opts;
    tally.sent(warmup, now() - intendedAt);
    let outcome: { ok: true; res: LoadResponse } | { ok: false; err: unknown };
    try {
      outcome = { ok: true, res: await opts.request(i, { intendedAt, warmup, signal: this.#abort.signal }) };
    } catch (err) {
      outcome = { ok: false, err };
    }
    const completedAt = now();
    if (this.#finished) return; // past the drain deadline: the result is already out
    if (completedAt >= this.#startAt + this.#warmupMs && completedAt <= this.#windowEndAt) tally.completedInWindow++;
    try {
      if (outcome.ok) {
        tally.responded(warmup, completedAt - intendedAt, outcome.res);
        opts.onResponse?.(i, intendedAt, outcome.res, { completedAt, warmup });
      } else {
        tally.failed(warmup, outcome.err);
        opts.onError?.(i, intendedAt, outcome.err, { completedAt, warmup });
      }
    } catch (err) {
      this.#fail(err);
      return;
    }
    if (tally.inflight === 0) this.#onDrained?.();
  }

  #drain(): void {
    if (this.#finished) return;
    this.#phase = 'drain';
    const drainStart = now();
    const finish = (): void => this.#finish(drainStart);
    if (this.#tally.inflight === 0) return finish();
    this.#onDrained = finish;
    this.#timers.push(setTimeout(finish, this.#opts.drainTimeoutMs ?? 10_000));
  }

  #finish(drainStart: number): void {
    if (this.#finished) return;
    const end = now();
    this.#emitTick();
    this.#finished = true;
    this.#cleanup();
    const opts = this.#opts;
    const tally = this.#tally;
    const counts = tally.counts();
    const measuredStart = this.#startAt + this.#warmupMs;
    const measuredMs = Math.max(0, Math.min(this.#windowEndAt, measuredStart + opts.durationMs) - measuredStart);
    const perS = (n: number): number => (measuredMs > 0 ? (n * 1000) / measuredMs : 0);
    const result: LoadResult = {
      mode: opts.mode,
      startedAt: this.#startedAt,
      ...counts,
      offered: perS(counts.scheduled),
      sendRate: perS(counts.sent),
      throughput: perS(tally.completedInWindow),
      accept: tally.accept.summary(),
      acceptHistogram: tally.accept.encode(),
      sendLag: tally.sendLag.summary(),
      warmup: tally.warmup(),
      durations: {
        warmupMs: this.#warmupMs,
        plannedMs: opts.durationMs,
        measuredMs,
        drainMs: end - drainStart,
        totalMs: end - this.#startAt,
      },
      stopped: this.#stopRequested,
    };
    this.#resolve(result);
    this.emit('done', result);
  }

  #fail(err: unknown): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#cleanup();
    const error = err instanceof Error ? err : new Error(String(err));
    this.#reject(error);
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  #cleanup(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers = [];
    this.#onDrained = undefined;
    this.#abort.abort();
  }

  /** Resolves after `ms`, or soon after `stop()`, or when the run ends; polls so no timer outlives the run. */
  async #sleepUnlessStopped(ms: number): Promise<void> {
    const until = now() + ms;
    while (!this.#stopRequested && !this.#finished && now() < until) await sleep(Math.min(50, until - now()));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(1, ms)));
}
