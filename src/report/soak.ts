import {
  checkpointLongestMs,
  gcLongestMs,
  gcMajorMs,
  generatorDelayMaxMs,
  loopDelayMaxMs,
  loopDelayP99Ms,
  soakTargets,
  soakTrends,
  TREND_RULE,
  walTotalBytes,
  type SeriesTrend,
  type SoakTarget,
  type SoakWindow,
} from '../measure/soak/soak.ts';
import { cpus } from 'node:os';
import { grid } from './calibration.ts';
import { count, mebibytes, NONE, sig3, wrap } from './format.ts';

interface SoakColumn {
  readonly head: string;
  /** the cells' usual widest, so rows printed one at a time line up under the head */
  readonly width: number;
  readonly cell: (w: SoakWindow) => string;
}

const orNone = (v: number | null, show: (v: number) => string): string => (v === null ? NONE : show(v));

/** The one definition of a soak row. */
const COLUMNS: readonly SoakColumn[] = [
  { head: 'until s', width: 7, cell: (w) => count(w.endS) },
  { head: 'offered', width: 7, cell: (w) => count(w.offered) },
  { head: 'accepted', width: 8, cell: (w) => count(w.accepted) },
  { head: 'completed', width: 9, cell: (w) => count(w.completed) },
  { head: 'failed', width: 6, cell: (w) => count(w.failed) },
  { head: 'shed', width: 5, cell: (w) => count(w.shed) },
  { head: 'late', width: 5, cell: (w) => count(w.late) },
  { head: 'p50 ms', width: 6, cell: (w) => (w.completion.count > 0 ? sig3(w.completion.p50) : NONE) },
  { head: 'p99 ms', width: 6, cell: (w) => (w.completion.count > 0 ? sig3(w.completion.p99) : NONE) },
  { head: 'CPU ms/order', width: 12, cell: (w) => orNone(w.cpuMsPerOrder, sig3) },
  { head: 'system MiB', width: 10, cell: (w) => orNone(w.systemRssBytes, mebibytes) },
  { head: 'nats MiB', width: 8, cell: (w) => orNone(w.natsRssBytes, mebibytes) },
  { head: 'backlog', width: 7, cell: (w) => orNone(w.backlog, count) },
  { head: 'stream MiB', width: 10, cell: (w) => orNone(w.streamBytes, mebibytes) },
  { head: 'DB MiB', width: 6, cell: (w) => mebibytes(w.dbBytes) },
  { head: 'DB B/order', width: 10, cell: (w) => orNone(w.dbBytesPerOrder, count) },
  { head: 'loop p99 ms', width: 11, cell: (w) => orNone(loopDelayP99Ms(w), sig3) },
  { head: 'loop max ms', width: 11, cell: (w) => orNone(loopDelayMaxMs(w), sig3) },
  { head: 'GC ≤ ms', width: 7, cell: (w) => sig3(gcLongestMs(w)) },
  { head: 'major GC ms', width: 11, cell: (w) => sig3(gcMajorMs(w)) },
  { head: 'ckpt ≤ ms', width: 9, cell: (w) => orNone(checkpointLongestMs(w, 'worker'), sig3) },
  { head: 'loop ckpt ≤ ms', width: 14, cell: (w) => orNone(checkpointLongestMs(w, 'eventLoop'), sig3) },
  { head: 'WAL MiB', width: 7, cell: (w) => mebibytes(walTotalBytes(w)) },
  { head: 'nats msgs', width: 9, cell: (w) => (w.nats ? count(w.nats.inMsgs + w.nats.outMsgs) : NONE) },
  { head: 'load loop max ms', width: 16, cell: (w) => orNone(generatorDelayMaxMs(w), sig3) },
];

const head = COLUMNS.map((c) => c.head.padStart(c.width));
const none: readonly string[] = [];

/** The head and its rule, printed once before the first row. */
export const soakHead = (): string[] => grid(head, [none]).slice(0, 2);

/** One window's row, aligned with `soakHead` (a wider cell than usual pushes only its own row). */
export const soakRow = (w: SoakWindow): string => grid(head, [COLUMNS.map((c) => c.cell(w))])[2] ?? '';

/** prose lines below the tables break at this width */
const PROSE_WIDTH = 100;

const SOAK_LEGEND =
  'counts are what happened in the window (offered by intended send, accepted/failed/shed by answer, completed by delivery); ' +
  'p50/p99: completion (delivery − intended send) of the orders sent in the window; late: orders of the window not answered or delivered ' +
  'when its row was made, left out of p50/p99; CPU: system + nats-server per completed order; backlog: pending + ack-pending over every consumer; ' +
  'loop p99/max: event-loop delay (monitorEventLoopDelay) in the window, the highest of the system\'s processes; GC ≤: the longest GC pause of any ' +
  'kind, at most this (a histogram bucket\'s bound); major GC: the time in major GCs; ckpt ≤: the longest SQLite WAL checkpoint on the checkpoint thread, loop ckpt ≤: on the event ' +
  'loop (when a log passed 16 MiB); WAL: every ' +
  'write-ahead log\'s size (the most each held since it was opened); nats msgs: messages into and out of nats-server (its /varz); ' +
  'load loop max: the load generator\'s own event-loop delay, a stall of the measuring side. Per process and per GC kind in soak.json';

/** What the rows mean, wrapped, to print after the table. */
export const soakLegend = (): string[] => wrap(SOAK_LEGEND, PROSE_WIDTH).map((l) => ` ${l}`);

/** Each stall target: measured, bound, met. */
export function renderSoakTargets(targets: readonly SoakTarget[]): string[] {
  const rows = targets.map((t) => [t.target, t.measured === null ? NONE : Number.isInteger(t.measured) ? count(t.measured) : sig3(t.measured), `≤ ${sig3(t.bound)}`, t.met === null ? 'not measured' : t.met ? 'met' : 'missed']);
  return grid(['target', 'measured', 'bound', 'verdict'], rows, [0, 3]);
}

/** First window after the warm-up against the last, the slope, and the verdict per series. */
export function renderSoakSummary(trends: readonly SeriesTrend[]): string[] {
  const value = (v: number | null, unit: string) => (v === null ? NONE : `${sig3(v)} ${unit}`);
  const rows = trends.map((t) => [
    t.series,
    value(t.first, t.unit),
    value(t.last, t.unit),
    t.slopePerMinute === null ? NONE : `${t.slopePerMinute >= 0 ? '+' : ''}${sig3(t.slopePerMinute)} ${t.unit}/min`,
    value(t.mean, t.unit),
    `${sig3(t.floor)} ${t.unit}`,
    t.verdict,
  ]);
  return [...grid(['series', 'first', 'last', 'slope', 'mean', 'floor', 'verdict'], rows, [0, 6]), '', ...wrap(TREND_RULE, PROSE_WIDTH).map((l) => ` ${l}`)];
}

/**
 * soak.json's text: what was asked, where it ran, every window so far with the trends and targets
 * over them. Written after every row, so an interrupted soak keeps what it measured.
 */
export function soakSaved(config: Readonly<Record<string, unknown>>, startedAt: Date, windows: readonly SoakWindow[]): string {
  const saved = {
    schema: 'interplay/soak@2',
    config,
    environment: { node: process.version, cpuModel: cpus()[0]?.model ?? 'unknown', cpuCount: cpus().length, startedAt: startedAt.toISOString() },
    windows,
    trends: soakTrends(windows),
    rule: TREND_RULE,
    targets: soakTargets(windows),
  };
  return `${JSON.stringify(saved, null, 2)}\n`;
}
