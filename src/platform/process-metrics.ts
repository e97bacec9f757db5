import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { onCheckpoint } from './store/checkpointer.ts';

/**
 * What one process's runtime does, apart from what its services count: prom-client's default
 * collectors (event-loop delay from `monitorEventLoopDelay`, GC pauses by kind from a 'gc'
 * PerformanceObserver, heap, CPU) and the SQLite checkpoints this process ran. One registry per
 * process, whatever services it hosts, served at PROCESS_METRICS_PATH beside each service's /metrics.
 *
 * It is a registry of its own, not part of /metrics, because prom-client's event-loop collector
 * resets its histogram at every read: only one reader (a soak, once per window) gets the delay of
 * its own window, and the gateway's sum over replicas would average each process's maximum away.
 */
export const PROCESS_METRICS_PATH = '/metrics/process';

/**
 * ms between event-loop delay samples. prom-client's default, 10 ms: a stall shorter than that is
 * not one a user sees, and a finer timer wakes an idle process for nothing. After a read (which
 * resets the histogram) the monitor measures from its next turn, so a stall that begins within
 * this of a read is not seen: with one read a minute, about one stall in six thousand.
 */
const LOOP_RESOLUTION_MS = 10;

/**
 * s; GC pause buckets, finer than prom-client's (1 ms, 10 ms, 100 ms, 1 s, ...), so a window's
 * longest pause is known to within a factor of about 2 around the 100 ms that matters here.
 */
export const GC_BUCKETS_S = [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** s; checkpoint duration buckets, as the GC's, so the two read alike */
const CHECKPOINT_BUCKETS_S = GC_BUCKETS_S;

export interface ProcessMetrics {
  readonly registry: Registry;
  /** each SQLite checkpoint this process ran, by database file's base name and thread (worker, event loop) */
  readonly checkpoints: Histogram<'database' | 'thread'>;
}

let current: ProcessMetrics | undefined;

/** This process's registry, made (and its collectors started) on first use. */
export function processMetrics(): ProcessMetrics {
  if (current) return current;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: LOOP_RESOLUTION_MS, gcDurationBuckets: GC_BUCKETS_S });
  const checkpoints = new Histogram<'database' | 'thread'>({
    name: 'interplay_sqlite_checkpoint_seconds',
    help: 'SQLite WAL checkpoints run by this process, on its checkpoint thread or its event loop, and how long each took',
    labelNames: ['database', 'thread'],
    buckets: CHECKPOINT_BUCKETS_S,
    registers: [registry],
  });
  onCheckpoint((database, thread, seconds) => checkpoints.observe({ database, thread }, seconds));
  current = { registry, checkpoints };
  return current;
}

/**
 * The handler of PROCESS_METRICS_PATH: prom-client's JSON form, which a soak reads once per window.
 * The collectors start at the first read, not when the app is built: the event-loop delay monitor
 * wakes the process every LOOP_RESOLUTION_MS, which would be most of what a process at rest spends,
 * for figures only a soak reads. A soak reads once before its load (its baseline), so its first
 * window is covered; a first read answers what the collectors saw in the moment since they started.
 */
export function processMetricsRoute(): () => Promise<object[]> {
  return () => processMetrics().registry.getMetricsAsJSON();
}
