import type { SystemTopology } from '../model/topology.ts';
import type { Style } from '../model/style.ts';
import type { LiveRecovery } from '../measure/faults/recovery.ts';

/** One process whose CPU is shown: a service replica, the gateway, nats-server, or the one inproc process. */
export interface ProcessSample {
  /** the row it counts under: replicas of one service add up */
  readonly name: string;
  readonly pid: number;
  /** user + system CPU time so far, ms (from /proc) */
  readonly cpuMs: number;
}

/** A service as the gateway's /health and the supervisor saw it. */
export interface ServiceSample {
  readonly name: string;
  /** up, degraded or down from /health; stopped, starting or backoff from the supervisor when it knows better */
  readonly state: string;
  /** dead letters so far (event styles) */
  readonly deadLetters: number;
}

/** A JetStream durable consumer's backlog: messages not yet delivered and delivered but not acked. */
export interface ConsumerBacklog {
  readonly consumer: string;
  readonly pending: number;
  readonly ackPending: number;
}

/** Counters of the whole run so far; the frame turns two of them into rates. */
export interface LoadCounters {
  /** arrivals the schedule asked for: sent + dropped */
  readonly scheduled: number;
  readonly sent: number;
  /** due while too many requests were open, so not sent (open-loop honesty: counted, not queued) */
  readonly dropped: number;
  /** answered 201 */
  readonly accepted: number;
  /** notifications delivered for accepted orders */
  readonly completed: number;
  /** sent and not answered yet */
  readonly inflight: number;
  /** accepted and not yet notified */
  readonly pending: number;
  /** failed requests by kind (`http 503`, `UND_ERR_SOCKET`, …) */
  readonly failures: Readonly<Record<string, number>>;
}

/** The facts about the system itself that one sample holds (the load's own counters come from the run). */
export interface SystemFacts {
  readonly processes: readonly ProcessSample[];
  /** service-to-service calls so far, by calling service */
  readonly calls: Readonly<Record<string, number>>;
  /** events published so far, by publishing service */
  readonly messages: Readonly<Record<string, number>>;
  /** 503s the services answered so far (a needed service down, or shutting down) */
  readonly served503: number;
  readonly services: readonly ServiceSample[];
  readonly backlog: readonly ConsumerBacklog[];
}

export type DashboardPhase = 'starting' | 'setup' | 'running' | 'stopping';

/**
 * The raw facts the collector reads once a second. Counters are cumulative; latencies are the
 * ones that arrived since the sample before. Nothing here is a rate or a percentile: the frame
 * computes those.
 */
export interface DashboardSample extends SystemFacts {
  /** ms on the load's clock */
  readonly at: number;
  /** ms on the same clock: when this style's system was asked to start */
  readonly startedAt: number;
  readonly phase: DashboardPhase;
  readonly style: Style;
  readonly topology: SystemTopology['kind'];
  /** intended orders per second now */
  readonly rate: number;
  readonly load: LoadCounters;
  /** ms from intended send to the 201, for answers since the previous sample */
  readonly accept: readonly number[];
  /** ms from intended send to the notification, for deliveries since the previous sample */
  readonly completion: readonly number[];
  /** the service `k` and `r` act on */
  readonly selected: string;
  /** the recovery after the last service started again with `r`, if any (recovery.ts) */
  readonly recovery?: LiveRecovery;
  /** the last thing the dashboard did or was told (a key's effect, a log line) */
  readonly note: string;
}
