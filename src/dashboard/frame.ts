import type { LiveRecovery } from '../measure/faults/recovery.ts';
import type { ConsumerBacklog, DashboardPhase, DashboardSample, ProcessSample } from './sample.ts';

/** seconds of history the trend lines show */
export const TREND_SECONDS = 60;
/** seconds the percentiles and the histogram cover: long enough for a p99 at 20 orders/s to mean something */
export const WINDOW_SECONDS = 10;
/** upper edges of the completion histogram's bins, ms; the last bin takes everything above */
export const HISTOGRAM_EDGES_MS = [5, 10, 25, 50, 100, 250, 1000] as const;
/** rows every system has, in the order a request meets them; others (nats-server, the inproc process) follow */
const SERVICE_ORDER = ['gateway', 'auth', 'billing', 'order', 'notification'];

export interface Percentiles {
  /** latencies in the window */
  readonly count: number;
  /** ms; null when the window holds none */
  readonly p50: number | null;
  readonly p99: number | null;
}

export interface ServiceRow {
  readonly name: string;
  /** up, down, stopped, …; '' for a process that is no service (nats-server) */
  readonly state: string;
  /** % of one core over the last second; null when no process of this row was measured twice */
  readonly cpuPercent: number | null;
  /** service-to-service calls it made per second; null for a row that is no service */
  readonly callsPerSecond: number | null;
  /** events it published per second; null for a row that is no service */
  readonly messagesPerSecond: number | null;
  readonly deadLetters: number | null;
}

export interface HistogramBin {
  /** e.g. '≤25ms', '>1s' */
  readonly label: string;
  readonly count: number;
  /** count / the largest bin's count, 0..1, for the bar */
  readonly share: number;
}

/** Everything the dashboard shows, computed once; the components only read it. */
export interface DashboardFrame {
  readonly phase: DashboardPhase;
  readonly style: DashboardSample['style'];
  readonly topology: DashboardSample['topology'];
  /** intended orders per second */
  readonly rate: number;
  readonly elapsedSeconds: number;
  /** per second over the last sample interval */
  readonly throughput: { readonly offered: number; readonly accepted: number; readonly completed: number };
  readonly inflight: number;
  readonly pending: number;
  readonly accept: Percentiles;
  readonly completion: Percentiles;
  /** p99 of each of the last TREND_SECONDS samples, oldest first; null for a second without values */
  readonly acceptTrend: readonly (number | null)[];
  readonly completionTrend: readonly (number | null)[];
  /** completion latencies of the window */
  readonly histogram: readonly HistogramBin[];
  readonly services: readonly ServiceRow[];
  readonly backlog: { readonly total: number; readonly consumers: readonly ConsumerBacklog[] };
  readonly errors: {
    /** failed requests by kind since the start, most first */
    readonly failed: readonly (readonly [string, number])[];
    readonly failedTotal: number;
    readonly dropped: number;
    readonly served503: number;
    readonly deadLetters: number;
  };
  readonly selected: string;
  readonly note: string;
  /** the recovery after the last service started again, if any */
  readonly recovery?: LiveRecovery;
}

/**
 * Every number the dashboard shows, from the collector's samples (oldest first, at least one).
 * Rates come from the last two samples, percentiles and the histogram from the last WINDOW_SECONDS.
 */
export function dashboardFrame(samples: readonly DashboardSample[]): DashboardFrame {
  const last = samples[samples.length - 1];
  if (!last) throw new RangeError('dashboardFrame needs at least one sample');
  const prev = samples[samples.length - 2];
  const seconds = prev ? Math.max(0.001, (last.at - prev.at) / 1000) : 0;
  const perSecond = (now: number, before: number | undefined) =>
    prev && before !== undefined ? Math.max(0, now - before) / seconds : 0;
  const window = samples.slice(-WINDOW_SECONDS);
  const completions = window.flatMap((s) => s.completion);
  const failed = Object.entries(last.load.failures).sort((a, b) => b[1] - a[1]);
  const deadLetters = last.services.reduce((n, s) => n + s.deadLetters, 0);
  return {
    phase: last.phase,
    style: last.style,
    topology: last.topology,
    rate: last.rate,
    elapsedSeconds: Math.max(0, Math.floor((last.at - last.startedAt) / 1000)),
    throughput: {
      offered: perSecond(last.load.scheduled, prev?.load.scheduled),
      accepted: perSecond(last.load.accepted, prev?.load.accepted),
      completed: perSecond(last.load.completed, prev?.load.completed),
    },
    inflight: last.load.inflight,
    pending: last.load.pending,
    accept: percentiles(window.flatMap((s) => s.accept)),
    completion: percentiles(completions),
    acceptTrend: samples.slice(-TREND_SECONDS).map((s) => percentiles(s.accept).p99),
    completionTrend: samples.slice(-TREND_SECONDS).map((s) => percentiles(s.completion).p99),
    histogram: histogram(completions),
    services: serviceRows(last, prev, seconds),
    backlog: {
      total: last.backlog.reduce((n, c) => n + c.pending + c.ackPending, 0),
      consumers: [...last.backlog].sort((a, b) => b.pending + b.ackPending - (a.pending + a.ackPending) || a.consumer.localeCompare(b.consumer)),
    },
    errors: { failed, failedTotal: failed.reduce((n, [, c]) => n + c, 0), dropped: last.load.dropped, served503: last.served503, deadLetters },
    selected: last.selected,
    note: last.note,
    ...(last.recovery ? { recovery: last.recovery } : {}),
  };
}

/** nearest-rank percentiles, ms */
export function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) return { count: 0, p50: null, p99: null };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
  return { count: sorted.length, p50: at(50), p99: at(99) };
}

function histogram(values: readonly number[]): HistogramBin[] {
  const counts = new Array<number>(HISTOGRAM_EDGES_MS.length + 1).fill(0);
  for (const v of values) {
    const i = HISTOGRAM_EDGES_MS.findIndex((edge) => v <= edge);
    counts[i === -1 ? HISTOGRAM_EDGES_MS.length : i]!++;
  }
  const max = Math.max(1, ...counts);
  const top = HISTOGRAM_EDGES_MS[HISTOGRAM_EDGES_MS.length - 1]!;
  return counts.map((count, i) => {
    const edge = HISTOGRAM_EDGES_MS[i];
    return { label: edge === undefined ? `>${msLabel(top)}` : `≤${msLabel(edge)}`, count, share: count / max };
  });
}

const msLabel = (ms: number) => (ms >= 1000 ? `${ms / 1000}s` : `${ms}ms`);

function serviceRows(last: DashboardSample, prev: DashboardSample | undefined, seconds: number): ServiceRow[] {
  const services = new Map(last.services.map((s) => [s.name, s]));
  const names = new Set([...SERVICE_ORDER.filter((n) => services.has(n) || n === 'gateway'), ...services.keys(), ...last.processes.map((p) => p.name)]);
  const rank = (n: string) => (SERVICE_ORDER.includes(n) ? SERVICE_ORDER.indexOf(n) : SERVICE_ORDER.length);
  const rate = (now: Readonly<Record<string, number>>, before: Readonly<Record<string, number>> | undefined, name: string) =>
    prev && before ? Math.max(0, (now[name] ?? 0) - (before[name] ?? 0)) / seconds : 0;
  return [...names]
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((name) => {
      const service = services.get(name);
      const isService = service !== undefined || name === 'gateway';
      return {
        name,
        state: service?.state ?? (last.processes.some((p) => p.name === name) ? 'up' : ''),
        cpuPercent: cpuPercent(last.processes, prev?.processes, name, seconds),
        callsPerSecond: isService ? rate(last.calls, prev?.calls, name) : null,
        messagesPerSecond: isService ? rate(last.messages, prev?.messages, name) : null,
        deadLetters: service ? service.deadLetters : null,
      };
    });
}

/** CPU of a row's processes that were measured in both samples (a restarted replica has a new pid and waits a second). */
function cpuPercent(now: readonly ProcessSample[], before: readonly ProcessSample[] | undefined, name: string, seconds: number): number | null {
  if (!before || seconds === 0) return null;
  let ms = 0;
  let measured = false;
  for (const p of now) {
    if (p.name !== name) continue;
    const b = before.find((q) => q.pid === p.pid);
    if (!b) continue;
    ms += Math.max(0, p.cpuMs - b.cpuMs);
    measured = true;
  }
  return measured ? (ms / (seconds * 1000)) * 100 : null;
}
