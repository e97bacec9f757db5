import { count, mebibytes, NONE, percent, rate, sig3, times } from './format.ts';
import type { ProcessCost, Ratios, RunCeiling, RunReport } from '../model/schema.ts';

/** What the terminal table and the markdown show, defined once so they cannot drift apart. */
export interface Column<T> {
  /** under its group's title in the terminal ("p99") */
  readonly header: string;
  /** standing alone, as a markdown header ("accept p99 ms") */
  readonly label: string;
  readonly cell: (row: T) => string;
}

export interface ColumnGroup<T> {
  readonly title: string;
  readonly columns: readonly Column<T>[];
}

export interface Section<T> {
  /** a markdown heading */
  readonly title: string;
  /** the terminal's top-left cell; no longer than a style name */
  readonly tag: string;
  readonly groups: readonly ColumnGroup<T>[];
}

const col = <T>(header: string, label: string, cell: (row: T) => string): Column<T> => ({ header, label, cell });

export const LOAD_SECTION: Section<RunReport> = {
  title: 'Orders and throughput',
  tag: 'load',
  groups: [
    {
      title: 'orders',
      columns: [
        col('placed', 'placed', (r) => count(r.orders.placed)),
        col('paid', 'paid', (r) => count(r.orders.paid)),
        col('rejected', 'rejected', (r) => count(r.orders.rejected)),
        col('pending', 'pending', (r) => count(r.orders.pending)),
      ],
    },
    {
      // Apart from the outcomes, so each group fits 80 columns with large counts.
      title: 'not placed',
      columns: [
        col('failed', 'failed', (r) => count(r.orders.failed)),
        col('shed', 'shed', (r) => count(r.orders.shed)),
        col('limited', 'limited', (r) => count(r.orders.limited ?? 0)),
        col('dropped', 'dropped', (r) => count(r.orders.dropped)),
      ],
    },
    {
      title: 'throughput /s',
      columns: [
        col('offered', 'offered /s', (r) => rate(r.throughput.offered)),
        col('accepted', 'accepted /s', (r) => rate(r.throughput.accepted)),
        col('completed', 'completed /s', (r) => rate(r.throughput.completed)),
      ],
    },
  ],
};

export const LATENCY_COST_SECTION: Section<RunReport> = {
  title: 'Latency (ms) and cost',
  tag: 'latency, cost',
  groups: [
    {
      title: 'accept ms',
      columns: [
        col('p50', 'accept p50', (r) => sig3(r.latency.accept.p50)),
        col('p99', 'accept p99', (r) => sig3(r.latency.accept.p99)),
      ],
    },
    {
      title: 'completion ms',
      columns: [
        col('p50', 'completion p50', (r) => sig3(r.latency.completion.p50)),
        col('p99', 'completion p99', (r) => sig3(r.latency.completion.p99)),
        col('p99.9', 'completion p99.9', (r) => sig3(r.latency.completion.p999)),
        col('max', 'completion max', (r) => sig3(r.latency.completion.max)),
      ],
    },
    {
      title: 'per order',
      columns: [
        col('reads', 'reads /order', (r) => sig3(r.readLoad.perOrder)),
        col('msgs', 'msgs /order', (r) => sig3(r.messages.perOrder)),
        col('bytes', 'bytes /order', (r) => count(r.messages.bytesPerOrder)),
        col('CPU ms', 'CPU ms /order', (r) => sig3(r.cost.cpuMsPerOrder)),
      ],
    },
    { title: 'peak', columns: [col('RSS MiB', 'peak RSS MiB', (r) => mebibytes(r.cost.rssPeakBytes))] },
  ],
};

export const RUN_SECTIONS: readonly Section<RunReport>[] = [LOAD_SECTION, LATENCY_COST_SECTION];

/**
 * CPU per order and peak RSS of each measured process (a service, the gateway, nats-server), so a
 * reader sees where each style spends its CPU. Its columns are the processes the runs measured.
 */
export function processSection(runs: readonly RunReport[]): Section<RunReport> {
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.cost.byService)))];
  return {
    title: 'CPU by process',
    tag: 'CPU by process',
    groups: names.map((name) => ({
      title: name,
      columns: [
        col('CPU ms', `${name} CPU ms /order`, (r) => ofProcess(r, name, (c) => sig3(c.cpuMsPerOrder))),
        col('RSS MiB', `${name} peak RSS MiB`, (r) => ofProcess(r, name, (c) => mebibytes(c.rssPeakBytes))),
      ],
    })),
  };
}

/** a process's cell, or a dash for a style that has no such process (rest runs no nats-server) */
const ofProcess = (run: RunReport, name: string, cell: (cost: ProcessCost) => string): string => {
  const cost = run.cost.byService[name];
  return cost ? cell(cost) : NONE;
};

/**
 * The rate each style held against the most this machine's cores could do with its hops (see
 * src/analyse/ceiling.ts), so a reader sees how far the system is from the machine's own limit.
 */
export const CEILING_SECTION: Section<RunReport> = {
  title: 'Against this machine’s ceiling',
  tag: 'ceiling',
  groups: [
    {
      title: 'orders /s',
      columns: [
        col('held', 'held /s', (r) => ofCeiling(r, (c) => rate(c.heldRate))),
        col('ceiling', 'ceiling /s', (r) => ofCeiling(r, (c) => count(c.ordersPerSecond))),
        col('efficiency', 'efficiency', (r) => ofCeiling(r, (c) => percent(c.efficiency))),
      ],
    },
    {
      title: 'per order',
      columns: [
        col('model CPU ms', 'model CPU ms /order', (r) => ofCeiling(r, (c) => sig3(c.modelCpuMsPerOrder))),
        col('hellos', 'CPU in hello requests', (r) => ofCeiling(r, (c) => sig3(c.helloPerOrder))),
      ],
    },
  ],
};

const ofCeiling = (run: RunReport, cell: (ceiling: RunCeiling) => string): string => (run.ceiling ? cell(run.ceiling) : NONE);

/**
 * The blocks a run or runs show: load, latency and cost, CPU by process once a run measured more
 * than one, and the machine's ceiling once a run has one.
 */
export function runSections(runs: readonly RunReport[]): Section<RunReport>[] {
  const perProcess = runs.some((r) => Object.keys(r.cost.byService).length > 1);
  const ceiling = runs.some((r) => r.ceiling !== undefined);
  return [...RUN_SECTIONS, ...(perProcess ? [processSection(runs)] : []), ...(ceiling ? [CEILING_SECTION] : [])];
}

export const RATIO_SECTION: Section<Ratios> = {
  title: 'vs rest',
  tag: 'vs rest',
  groups: [
    { title: 'accept', columns: [col('p99', 'accept p99', (r) => times(r.acceptP99))] },
    {
      title: 'completion',
      columns: [
        col('p50', 'completion p50', (r) => times(r.completionP50)),
        col('p99', 'completion p99', (r) => times(r.completionP99)),
      ],
    },
    { title: 'throughput', columns: [col('completed', 'completed /s', (r) => times(r.throughputCompleted))] },
    {
      title: 'per order',
      columns: [
        col('reads', 'reads /order', (r) => times(r.readLoadPerOrder)),
        col('msgs', 'msgs /order', (r) => times(r.messagesPerOrder)),
        col('CPU ms', 'CPU ms /order', (r) => times(r.cpuMsPerOrder)),
      ],
    },
  ],
};

/** one table row: the style, then the row's data */
export interface Row<T> {
  readonly label: string;
  readonly value: T;
}

export const runRows = (runs: readonly RunReport[]): Row<RunReport>[] => runs.map((run) => ({ label: run.style, value: run }));

export function ratioRows(ratios: Readonly<Partial<Record<string, Ratios>>>, order: readonly string[]): Row<Ratios>[] {
  return order.flatMap((style) => {
    const value = ratios[style];
    return value ? [{ label: style, value }] : [];
  });
}
