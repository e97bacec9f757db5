import type { Environment, RunConfig } from '../../model/schema.ts';
import type { Style } from '../../model/style.ts';
import type { LoadResult } from '../engine/load-options.ts';
import type { ProcessUsage } from '../engine/proc.ts';
import type { LoadTick } from '../engine/tally.ts';
import type { ProcessReading } from '../engine/runtime-stats.ts';
import type { LinkReading } from './link-readings.ts';

/** One order the system accepted (201), on the run's clock (ms). */
export interface RawOrder {
  readonly id: string;
  readonly intendedAt: number;
  readonly answeredAt: number;
  /** sent during the warm-up: left out of the statistics */
  readonly warmup: boolean;
}

/** One notification the sink received first for an order, on the run's clock (ms). */
export interface RawDelivery {
  readonly orderId: string;
  readonly type: string | undefined;
  readonly receivedAt: number;
}

/**
 * Everything a bench saw, before any statistic: what was sent and answered when, what was delivered
 * when, the engine's per-second ticks, counter snapshots and process samples before and after the
 * window. `aggregate(raw)` makes the result from it alone, so a saved raw run can be re-aggregated.
 */
export interface RawRun {
  readonly schema: 'interplay/raw@1';
  readonly style: Style;
  readonly config: RunConfig;
  readonly environment: Environment;
  readonly load: LoadResult;
  /** the run's clock when the load began: second 0 of the timeline */
  readonly timelineOrigin: number;
  /** the measured window's start: the first intended send after the warm-up */
  readonly windowStart: number;
  readonly orders: readonly RawOrder[];
  readonly deliveries: readonly RawDelivery[];
  /** requests that failed in the measured window, by kind (`http 500`, `ECONNRESET`, …) */
  readonly failures: Readonly<Record<string, number>>;
  /** orders the system shed in the measured window (503 with Retry-After) */
  readonly shed: number;
  /** orders refused by a request limit in the measured window (429); absent in runs saved before limits */
  readonly limited?: number;
  readonly ticks: readonly LoadTick[];
  /** counter values by series key (see metrics-snapshot.ts), before and after the window */
  readonly metrics: { readonly before: readonly (readonly [string, number])[]; readonly after: readonly (readonly [string, number])[] };
  /** CPU and memory per measured process (replicas of one service added up), before and after */
  readonly processes: {
    readonly before: Readonly<Record<string, ProcessUsage | undefined>>;
    readonly after: Readonly<Record<string, ProcessUsage | undefined>>;
  };
  /** each link's bytes and CPU just before the load and after the drain; absent without links and in older runs */
  readonly links?: { readonly before: readonly LinkReading[]; readonly after: readonly LinkReading[] };
  /** each process's runtime (event-loop delay, GC, checkpoints) just before the load and after the drain; absent for external systems and older runs */
  readonly runtime?: { readonly before: readonly ProcessReading[]; readonly after: readonly ProcessReading[] };
}
