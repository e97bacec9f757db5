import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { PROCESS_METRICS_PATH, processMetrics } from '../../platform/process-metrics.ts';
import type { Static } from '@sinclair/typebox';
import type { ProcessReadingSchema, ProcessWindowSchema } from '../../model/runtime-schema.ts';
import type { Assert, Describes } from '../../model/schema-parts.ts';

/**
 * What a soak reads of each process's runtime, of the databases' write-ahead logs and of
 * nats-server, at every window's end; and the window's share of it. The processes report through
 * prom-client's collectors (platform/process-metrics.ts); this side only reads and subtracts.
 */

/** One series of prom-client's JSON form (`getMetricsAsJSON`). */
interface Series {
  readonly name: string;
  readonly values: readonly { readonly labels: Readonly<Record<string, string | number>>; readonly value: number; readonly metricName?: string }[];
}

/** A histogram's cumulative counts, per label value: bucket bound (s) → count at or below it. */
interface Cumulative {
  readonly count: number;
  readonly sumS: number;
  readonly buckets: readonly (readonly [number, number])[];
}

/** What a reading and a window both say of a process at the read. */
interface ProcessNow {
  readonly pid: number;
  /** since the previous read (prom-client resets the delay histogram at each read), ms; null when it had no sample */
  readonly loopDelay: { readonly maxMs: number; readonly p99Ms: number } | null;
  readonly heapUsedBytes: number | null;
}

/** One process's counters at one moment. */
export interface ProcessReading extends ProcessNow {
  /** 'system' (inproc: gateway and every service), 'gateway', 'order', 'order#2', 'load generator' */
  readonly label: string;
  /** by GC kind (major, minor, incremental, weakcb), cumulative */
  readonly gc: Readonly<Record<string, Cumulative>>;
  /** SQLite checkpoints, by "database on thread" (worker or event loop), cumulative */
  readonly checkpoints: Readonly<Record<string, Cumulative>>;
}

/** Pauses of one kind within a window. */
export interface Pauses {
  readonly count: number;
  readonly totalMs: number;
  /** the upper bound of the bucket of the window's longest pause, ms: it was at most this long */
  readonly longestMs: number;
}

/** One process over one window. */
export interface ProcessWindow extends ProcessNow {
  readonly process: string;
  /** by kind; kinds with no pause in the window are left out */
  readonly gc: Readonly<Record<string, Pauses>>;
  /**
   * the checkpoints of the process's databases in the window: on its checkpoint thread, and on its
   * event loop (the rare one that lets a log start over), which holds every request; null where none ran
   */
  readonly checkpoints: { readonly worker: Pauses | null; readonly eventLoop: Pauses | null };
}

const MS = 1000;
/** joins a checkpoint's database and thread in a reading's key: "order.sqlite on event loop" */
const CHECKPOINT_THREAD = ' on ';

function histograms(series: readonly Series[], name: string, keyOf: (labels: Readonly<Record<string, string | number>>) => string): Record<string, Cumulative> {
  const s = series.find((x) => x.name === name);
  const out: Record<string, { count: number; sumS: number; buckets: [number, number][] }> = {};
  for (const v of s?.values ?? []) {
    const key = keyOf(v.labels);
    const h = (out[key] ??= { count: 0, sumS: 0, buckets: [] });
    if (v.metricName === `${name}_count`) h.count = v.value;
    else if (v.metricName === `${name}_sum`) h.sumS = v.value;
    else if (v.metricName === `${name}_bucket` && v.labels['le'] !== '+Inf') h.buckets.push([Number(v.labels['le']), v.value]);
  }
  for (const h of Object.values(out)) h.buckets.sort((a, b) => a[0] - b[0]);
  return out;
}

const gauge = (series: readonly Series[], name: string): number | null => {
  const v = series.find((x) => x.name === name)?.values[0]?.value;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

/** A process's reading from prom-client's JSON form of its PROCESS_METRICS_PATH. */
export function parseProcessMetrics(label: string, pid: number, series: readonly Series[]): ProcessReading {
  const max = gauge(series, 'nodejs_eventloop_lag_max_seconds');
  const p99 = gauge(series, 'nodejs_eventloop_lag_p99_seconds');
  return {
    label,
    pid,
    // With no sample since the last read, monitorEventLoopDelay gives max 0 (and p99 0 or NaN).
    loopDelay: max === null || max === 0 ? null : { maxMs: max * MS, p99Ms: (p99 ?? 0) * MS },
    heapUsedBytes: gauge(series, 'nodejs_heap_size_used_bytes'),
    gc: histograms(series, 'nodejs_gc_duration_seconds', (l) => String(l['kind'])),
    checkpoints: histograms(series, 'interplay_sqlite_checkpoint_seconds', (l) => `${String(l['database'])}${CHECKPOINT_THREAD}${String(l['thread'])}`),
  };
}

const NONE: Cumulative = { count: 0, sumS: 0, buckets: [] };

/** after − before of one histogram; null when nothing was observed in between */
function pausesBetween(before: Cumulative | undefined, after: Cumulative): Pauses | null {
  const b = before ?? NONE;
  const count = after.count - b.count;
  if (count <= 0) return null;
  const below = (bound: number) => b.buckets.find(([le]) => le === bound)?.[1] ?? 0;
  // The smallest bound under which every pause of the window falls; above the last bound, the last bound is all we know.
  const longest = after.buckets.find(([le, n]) => n - below(le) >= count)?.[0] ?? after.buckets.at(-1)?.[0] ?? 0;
  return { count, totalMs: (after.sumS - b.sumS) * MS, longestMs: longest * MS };
}

/** Several histograms (one per database) as one: counts and sums add, the longest is the longest. */
function merged(all: readonly Pauses[]): Pauses | null {
  if (all.length === 0) return null;
  return all.reduce((a, p) => ({ count: a.count + p.count, totalMs: a.totalMs + p.totalMs, longestMs: Math.max(a.longestMs, p.longestMs) }));
}

/** A process over the window from `before` (the same process's previous reading, if any) to `after`. */
export function processWindow(before: ProcessReading | undefined, after: ProcessReading): ProcessWindow {
  // A restarted process (another pid) starts its counts again.
  const prior = before?.pid === after.pid ? before : undefined;
  const gc: Record<string, Pauses> = {};
  for (const [kind, h] of Object.entries(after.gc)) {
    const p = pausesBetween(prior?.gc[kind], h);
    if (p) gc[kind] = p;
  }
  const on = (thread: string) =>
    merged(Object.entries(after.checkpoints).flatMap(([key, h]) => (key.endsWith(`${CHECKPOINT_THREAD}${thread}`) ? (pausesBetween(prior?.checkpoints[key], h) ?? []) : [])));
  return {
    process: after.label,
    pid: after.pid,
    loopDelay: after.loopDelay,
    heapUsedBytes: after.heapUsedBytes,
    gc,
    checkpoints: { worker: on('worker'), eventLoop: on('event loop') },
  };
}

/** Every process of a window, each against its own previous reading (by label). */
export const processWindows = (before: readonly ProcessReading[], after: readonly ProcessReading[]): ProcessWindow[] =>
  after.map((r) => processWindow(before.find((b) => b.label === r.label), r));

/** ms; a loaded process's runtime counters must still answer promptly, or the window's numbers are suspect */
const READ_TIMEOUT_MS = 10_000;

/** `ok`: the statuses whose body is still the answer (a degraded /health says 503 and lists the processes all the same) */
async function readJson(url: string, ok: (status: number) => boolean = (status) => status === 200): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(READ_TIMEOUT_MS) });
  if (!ok(res.status)) throw new Error(`GET ${url} answered ${res.status}`);
  return res.json();
}

/** One process of a running system, as its gateway's /health lists it. */
interface Listed {
  readonly service: string;
  readonly url?: string;
  readonly pid?: number;
  readonly replica?: number;
}

/**
 * The system's processes from its gateway's /health, one entry per pid: inproc, the gateway and the
 * four services are one process ('system'); in the processes topology each is its own. Each is read
 * at a URL it answers on: the gateway's own for the gateway, a service's base URL otherwise.
 */
export async function systemProcesses(gatewayUrl: string): Promise<{ readonly label: string; readonly pid: number; readonly url: string }[]> {
  const health = (await readJson(`${gatewayUrl}/health`, (status) => status === 200 || status === 503)) as { processes?: Listed[] };
  const listed = (health.processes ?? []).filter((p): p is Listed & { pid: number } => typeof p.pid === 'number');
  const byPid = new Map<number, Listed[]>();
  for (const p of listed) byPid.set(p.pid, [...(byPid.get(p.pid) ?? []), p]);
  return [...byPid.entries()].map(([pid, all]) => {
    const one = all[0]!;
    const label = all.length > 1 ? 'system' : one.replica !== undefined && one.replica > 1 ? `${one.service}#${one.replica}` : one.service;
    return { label, pid, url: one.service === 'gateway' ? gatewayUrl : (one.url ?? gatewayUrl) };
  });
}

/**
 * Every process of the system now; one that does not answer is left out of this window, and all of
 * them when the gateway does not: a soak goes on measuring what it can.
 */
export async function readSystemProcesses(gatewayUrl: string): Promise<ProcessReading[]> {
  const processes = await systemProcesses(gatewayUrl).catch(() => []);
  const read = await Promise.all(
    processes.map(async (p) => {
      try {
        return parseProcessMetrics(p.label, p.pid, (await readJson(`${p.url}${PROCESS_METRICS_PATH}`)) as Series[]);
      } catch {
        return undefined;
      }
    }),
  );
  return read.filter((r): r is ProcessReading => r !== undefined);
}

/** This process (the load generator and delivery sink): a stall here delays sends and deliveries' timestamps alike. */
export async function readOwnProcess(): Promise<ProcessReading> {
  return parseProcessMetrics('load generator', process.pid, (await processMetrics().registry.getMetricsAsJSON()) as Series[]);
}

/** Bytes of each write-ahead log under `dir`, by path relative to it; SQLite leaves its size at the most it held since the last open. */
export async function walBytes(dir: string): Promise<Record<string, number>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const wal = entries.filter((e) => e.isFile() && e.name.endsWith('-wal'));
  const sizes = await Promise.all(wal.map((e) => stat(join(e.parentPath, e.name)).then((s) => s.size, () => 0)));
  return Object.fromEntries(wal.map((e, i) => [relative(dir, join(e.parentPath, e.name)), sizes[i] ?? 0]));
}

/** What a reading of nats-server and a window of it both hold: its state, and the counts a window takes as differences. */
interface NatsFigures {
  /** % of one core, as the server sampled it last */
  readonly cpuPercent: number;
  readonly memBytes: number;
  readonly inMsgs: number;
  readonly outMsgs: number;
  readonly slowConsumers: number;
  /** JetStream's file store, bytes */
  readonly storageBytes: number;
  readonly apiErrors: number;
}

/** nats-server's own counters (its /varz and /jsz), cumulative where the server counts so. */
export interface NatsReading extends NatsFigures {
  readonly apiTotal: number;
}

/** A window of nats-server: what it did in the window, and its state at the end. */
export interface NatsWindow extends NatsFigures {
  readonly apiRequests: number;
}

/** Reads nats-server's monitoring endpoint (`-m PORT`). */
export async function readNats(monitorUrl: string): Promise<NatsReading> {
  const [varz, jsz] = (await Promise.all([readJson(`${monitorUrl}/varz`), readJson(`${monitorUrl}/jsz`)])) as [Record<string, unknown>, Record<string, unknown>];
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const api = (jsz['api'] ?? {}) as Record<string, unknown>;
  return {
    cpuPercent: n(varz['cpu']),
    memBytes: n(varz['mem']),
    inMsgs: n(varz['in_msgs']),
    outMsgs: n(varz['out_msgs']),
    slowConsumers: n(varz['slow_consumers']),
    storageBytes: n(jsz['storage']),
    apiTotal: n(api['total']),
    apiErrors: n(api['errors']),
  };
}

export function natsWindow(before: NatsReading | null, after: NatsReading): NatsWindow {
  const b = before ?? { inMsgs: 0, outMsgs: 0, slowConsumers: 0, apiTotal: 0, apiErrors: 0 };
  return {
    cpuPercent: after.cpuPercent,
    memBytes: after.memBytes,
    inMsgs: after.inMsgs - b.inMsgs,
    outMsgs: after.outMsgs - b.outMsgs,
    slowConsumers: after.slowConsumers - b.slowConsumers,
    storageBytes: after.storageBytes,
    apiRequests: after.apiTotal - b.apiTotal,
    apiErrors: after.apiErrors - b.apiErrors,
  };
}

/** The published schemas (model/runtime-schema.ts) describe these readings exactly: a type error here says where they part. */
export type ProcessReadingMatches = Assert<Describes<Static<typeof ProcessReadingSchema>, ProcessReading>>;
export type ProcessWindowMatches = Assert<Describes<Static<typeof ProcessWindowSchema>, ProcessWindow>>;
