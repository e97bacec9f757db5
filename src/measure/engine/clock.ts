import { performance } from 'node:perf_hooks';

/**
 * The one clock of a run, in ms (fractional, monotonic, microsecond resolution).
 * The engine's intended send times and the sink's receive stamps both read it, so
 * `sink.receivedAt(id) - intendedAt` is a completion latency without clock skew.
 * It is per process: times from another process are not comparable.
 */
export function now(): number {
  return performance.now();
}
