import type { Style } from '../transports/index.ts';
import type { MetricName } from './metrics.ts';

/** Latency percentiles in milliseconds, microsecond resolution, from an HDR histogram. */
export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

export interface RunConfig {
  readonly style: Style;
  readonly mode: 'open' | 'closed';
  /** orders per second offered (open loop) */
  readonly rate?: number;
  readonly arrivals?: 'uniform' | 'poisson';
  /** concurrent loops (closed loop) */
  readonly connections?: number;
  readonly users: number;
  readonly seed: number;
  /** fraction of orders the user cannot afford */
  readonly insufficient: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly drainMs: number;
  readonly maxInflight: number;
  /** the command line as given */
  readonly argv: readonly string[];
}

export interface Environment {
  readonly node: string;
  readonly natsServer: string | null;
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly totalMemoryBytes: number;
  readonly platform: string;
  /** how the services run, e.g. "inproc: four services and the gateway in one child process" */
  readonly topology: string;
  readonly storage: string;
  readonly startedAt: string;
}

export interface ProcessCost {
  readonly cpuMs: number;
  readonly cpuMsPerOrder: number;
  readonly rssPeakBytes: number;
}

/** One second of a run, counted by when things happened (warm-up and drain included). */
export interface TimelineSecond {
  /** seconds since the load started: this row covers [t, t + 1) */
  readonly t: number;
  /** sends the schedule asked for (sent or dropped); closed loop: sent */
  readonly offered: number;
  /** orders accepted (201) */
  readonly accepted: number;
  /** notifications delivered to the bench's webhook */
  readonly completed: number;
  /** ms from intended send to response, of the orders accepted in this second; null when none were */
  readonly acceptP50: number | null;
  readonly acceptP99: number | null;
}

/** interplay/run@1: the result of one style's run. Every renderer reads only this. */
export interface RunReport {
  readonly schema: 'interplay/run@1';
  readonly style: Style;
  readonly config: RunConfig;
  readonly environment: Environment;
  readonly orders: {
    /** accepted by POST /orders in the measured window */
    readonly placed: number;
    readonly paid: number;
    readonly rejected: number;
    /** accepted, with no notification delivered by the end of the drain */
    readonly pending: number;
    /** answered with an error, or not answered; shed orders are not failures */
    readonly failed: number;
    /** refused at once with 503 and Retry-After because the system was overloaded: never created, never charged */
    readonly shed: number;
    /** sends skipped because --max-inflight requests were already open (open loop) */
    readonly dropped: number;
  };
  /**
   * per second over the measured window: orders scheduled, orders accepted (201), and notifications
   * delivered during the window (of any order: with a backlog this is how fast orders really finish)
   */
  readonly throughput: { readonly offered: number; readonly accepted: number; readonly completed: number };
  readonly latency: {
    /** POST /orders, from the intended send time to its response */
    readonly accept: Percentiles;
    /** from the intended send time to the user's notification arriving at the bench's webhook */
    readonly completion: Percentiles;
  };
  /** encoded HDR histograms (microseconds), so runs can be merged and re-rendered */
  readonly histograms: { readonly accept: string; readonly completion: string };
  /** service-to-service HTTP requests during the load, keyed "caller→target METHOD route" */
  readonly readLoad: { readonly total: number; readonly perOrder: number; readonly byService: Readonly<Record<string, number>> };
  readonly messages: {
    readonly total: number;
    readonly perOrder: number;
    readonly bytesPerOrder: number;
    readonly bySubject: Readonly<Record<string, { readonly messages: number; readonly bytes: number }>>;
  };
  /** CPU and peak memory; `byService` is per process, labelled with what runs in it */
  readonly cost: { readonly cpuMsPerOrder: number; readonly rssPeakBytes: number; readonly byService: Readonly<Record<string, ProcessCost>> };
  /** counts by kind: "http 503", "timeout", ... */
  readonly errors: Readonly<Record<string, number>>;
  /** per second from the start of the load to the last notification; absent in runs saved before it existed */
  readonly timeline?: readonly TimelineSecond[];
  /** against this machine's ceiling; present when bench or compare had a calibration */
  readonly ceiling?: RunCeiling;
}

/** each: this style's value divided by the REST run's; null where REST's value is 0 */
export interface Ratios {
  readonly acceptP99: number | null;
  readonly completionP50: number | null;
  readonly completionP99: number | null;
  readonly throughputCompleted: number | null;
  readonly readLoadPerOrder: number | null;
  readonly messagesPerOrder: number | null;
  readonly cpuMsPerOrder: number | null;
}

/** A style run several times (`compare --repeat N`): each gate metric's value in every run, in run order. */
export interface StyleRepeats {
  readonly runs: number;
  /** metric name (see report/metrics.ts) → one value per run; a file may predate a metric */
  readonly samples: Readonly<Partial<Record<MetricName, readonly number[]>>>;
}

/** interplay/compare@1: the runs side by side, with each style's ratios against the REST run. */
export interface CompareReport {
  readonly schema: 'interplay/compare@1';
  readonly createdAt: string;
  /** one per style; with repeats, the run whose completion p99 is the median */
  readonly runs: readonly RunReport[];
  /** style → its value divided by the REST run's; null where REST's value is 0 */
  readonly ratios: Readonly<Partial<Record<Style, Ratios>>>;
  /** per style, the spread of its repeated runs; absent in files written before repeats existed */
  readonly repeats?: Readonly<Partial<Record<Style, StyleRepeats>>>;
}

/** A run against this machine's calibrated ceiling (see src/analyse/ceiling.ts for the model). */
export interface RunCeiling {
  /** orders per second held: the highest rate held with --find-max, else completed per second (at most offered) */
  readonly heldRate: number;
  /** orders per second the model says this machine's cores could hold */
  readonly ordersPerSecond: number;
  /** heldRate / ordersPerSecond */
  readonly efficiency: number;
  /** CPU ms per order by the model */
  readonly modelCpuMsPerOrder: number;
  /** the run's measured CPU per order (cost.cpuMsPerOrder) in hello requests' worth of CPU */
  readonly helloPerOrder: number;
  /** heldRate / the hello server's requests per second */
  readonly helloShare: number;
  /** the hops the model counted per order */
  readonly hops: { readonly http: number; readonly messages: number; readonly commits: number };
  /** run: calls and messages from the run's counters; known: from the table of known hops per style */
  readonly hopsFrom: 'run' | 'known';
  readonly cores: number;
  /** when the calibration was measured */
  readonly calibratedAt: string;
}
