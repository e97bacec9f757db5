import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

/** Latency percentiles in ms with µs resolution (3 significant digits, i.e. within 0.1%). */
export interface LatencySummary {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/** 1 h in µs: the initial range; it grows if a longer value comes in. */
const HIGHEST_TRACKABLE_US = 3_600_000_000;

/**
 * Records latencies given in ms as whole µs in an HdrHistogram.
 * The pure-JS build is used: it needs no async init and behaves the same under vitest and tsx,
 * and recording is not the bottleneck at the rates we offer.
 */
export class LatencyHistogram {
  readonly #h: Histogram;

  constructor(h?: Histogram) {
    this.#h =
      h ??
      build({
        useWebAssembly: false,
        autoResize: true,
        lowestDiscernibleValue: 1,
        highestTrackableValue: HIGHEST_TRACKABLE_US,
        numberOfSignificantValueDigits: 3,
      });
    // Decoded histograms come back fixed-size; merging later may need room.
    this.#h.autoResize = true;
  }

  /** ms; negative values (clock noise) count as 0 */
  record(ms: number): void {
    this.#h.recordValue(ms > 0 ? Math.round(ms * 1000) : 0);
  }

  get count(): number {
    return this.#h.totalCount;
  }

  /** Adds every value of `other` into this one; `other` is unchanged. */
  merge(other: LatencyHistogram): this {
    this.#h.add(other.#h);
    return this;
  }

  summary(): LatencySummary {
    const h = this.#h;
    const count = h.totalCount;
    if (count === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
    const at = (p: number): number => this.valueAt(p);
    return { count, mean: Math.round(h.mean) / 1000, p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max: Math.round(h.maxValue) / 1000 };
  }

  /** ms at percentile `p` (0–100); 0 when empty */
  valueAt(p: number): number {
    const h = this.#h;
    if (h.totalCount === 0) return 0;
    // A percentile is reported as the top of its bucket; never let it pass the exact max.
    return Math.round(Math.min(h.getValueAtPercentile(p), h.maxValue)) / 1000;
  }

  /** Compressed base64 (the HdrHistogram "HISTFAAA…" format), for run.json. */
  encode(): string {
    return encodeIntoCompressedBase64(this.#h);
  }

  static decode(encoded: string): LatencyHistogram {
    return new LatencyHistogram(decodeFromCompressedBase64(encoded, 32, false));
  }

  /** A new histogram holding the union of all given ones. */
  static union(all: Iterable<LatencyHistogram>): LatencyHistogram {
    const out = new LatencyHistogram();
    for (const h of all) out.merge(h);
    return out;
  }
}
