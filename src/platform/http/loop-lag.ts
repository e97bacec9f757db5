import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/**
 * The event loop's delay while requests are open, for shedding load (overload.ts). One monitor per
 * process, whatever apps it serves (inproc: the gateway and four services share one loop), and it runs
 * only while one of them has a request open: a delay monitor wakes the loop at every sample, and a
 * process at rest would spend its CPU on the measuring alone. The delay of a loop with nothing open
 * is no load anyway (see `shedOverload`).
 */

/** ms between the monitor's samples while it runs, under-pressure's and prom-client's default */
const RESOLUTION_MS = 10;
/**
 * ms over which the delay is averaged. Short enough that a burst is noticed within a fifth of a
 * second, long enough that one sample spans many loop turns. It is also how long the monitor goes on
 * after the last request closed, so that requests a few ms apart do not start and stop it each time.
 */
const SAMPLE_INTERVAL_MS = 200;

let open = 0;
/** whether a request opened since the last sample: a monitor that saw none stops */
let opened = false;
let histogram: IntervalHistogram | undefined;
let sampler: NodeJS.Timeout | undefined;
let delayMs: number | undefined;

function sample(): void {
  const h = histogram!;
  // A sample that caught no loop turn (one stall longer than the interval) has no mean: no reading.
  delayMs = h.count > 0 ? Math.max(0, h.mean / 1e6 - RESOLUTION_MS) : undefined;
  h.reset();
  if (open > 0 || opened) {
    opened = false;
    return;
  }
  h.disable();
  clearInterval(sampler);
  sampler = undefined;
  delayMs = undefined;
}

/** A request opened: the monitor starts if it was stopped. */
export function loopLagRequestOpened(): void {
  open += 1;
  opened = true;
  if (sampler) return;
  histogram ??= monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.reset();
  histogram.enable();
  // Unref'd: the monitor never keeps a process up that is otherwise done.
  sampler = setInterval(sample, SAMPLE_INTERVAL_MS).unref();
}

/** A request closed (answered, or its client went away). */
export function loopLagRequestClosed(): void {
  open -= 1;
}

/** Mean event-loop delay over the last sample beyond the monitor's resolution, ms; undefined when there is none. */
export function loopLagMs(): number | undefined {
  return delayMs;
}

/** Whether the monitor runs (and wakes the process every RESOLUTION_MS). */
export function loopLagMonitoring(): boolean {
  return sampler !== undefined;
}
