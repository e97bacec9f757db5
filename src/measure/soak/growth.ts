import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunReport } from '../../model/schema.ts';
import { resolveNats } from '../../runtime/nats-server.ts';
import { hold } from '../../runtime/resources.ts';
import { logInAgain, prepareUsers, type PreparedUser } from '../../scenarios/load.ts';
import type { ServiceName, Style } from '../../model/style.ts';
import { benchStyle, type BenchOptions } from '../bench/bench.ts';
import { seedHistory } from './seed-history.ts';
import { startSink } from '../engine/sink.ts';

export interface GrowthOptions extends Omit<BenchOptions, 'style' | 'data' | 'broker' | 'deliveries' | 'setup' | 'topology'> {
  /** paid orders stored before the second run */
  readonly orders: number;
  readonly onStep?: (step: 'fresh' | 'seeding' | 'seeded') => void;
  /** after each committed batch of the seeding, with the orders written so far */
  readonly onSeeded?: (written: number) => void;
}

/** One style, the same load twice: on a fresh system, then on the same system holding `orders` more. */
export interface GrowthRun {
  readonly style: Style;
  readonly orders: number;
  readonly seeding: { readonly ms: number; readonly bytes: Readonly<Record<ServiceName, number>> };
  readonly fresh: RunReport;
  readonly seeded: RunReport;
}

/**
 * Runs the load on a fresh system kept on a data directory, stops it, seeds the stored history into
 * its databases (seed-history.ts), starts it again on them and runs the same load with the same users.
 * One broker and one delivery sink serve both runs, so nothing but the stored history differs; the
 * broker's CPU counts with the system's when it is a private one.
 */
export async function collectGrowth(style: Style, opts: GrowthOptions): Promise<GrowthRun> {
  const dataDir = await mkdtemp(join(tmpdir(), `interplay-growth-${style}-`));
  const removeData = () => rm(dataDir, { recursive: true, force: true });
  // A million orders take gigabytes: an interrupted run must not leave them behind.
  const unhold = hold(removeData);
  const cleanups: (() => Promise<unknown>)[] = [removeData];
  try {
    const deliveries = await startSink();
    cleanups.push(() => deliveries.close());
    const broker = style === 'rest' ? undefined : await resolveNats({ url: opts.nats });
    if (broker) cleanups.push(() => broker.stop());
    const base = { ...opts, style, data: dataDir, broker, deliveries };

    opts.onStep?.('fresh');
    let users: readonly PreparedUser[] = [];
    const fresh = await benchStyle({
      ...base,
      setup: async (url) => {
        const prepared = await prepareUsers(url, opts.users);
        users = prepared.users;
        return prepared;
      },
    });

    opts.onStep?.('seeding');
    const seeding = seedHistory({ dataDir, style, orders: opts.orders, seed: opts.seed, onProgress: opts.onSeeded });

    opts.onStep?.('seeded');
    const seeded = await benchStyle({ ...base, setup: (url) => logInAgain(url, users) });
    return { style, orders: opts.orders, seeding: { ms: seeding.ms, bytes: seeding.bytes }, fresh, seeded };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    unhold();
  }
}

/** Issue 10's bound: a figure may grow by this fraction with the stored history. */
export const GROWTH_TOLERANCE = 0.1;

export interface GrowthFigure {
  readonly name: string;
  readonly unit: 'ms';
  readonly fresh: number;
  readonly seeded: number;
  /** seeded ÷ fresh; null when fresh is 0 */
  readonly ratio: number | null;
  /** whether seeded stays within GROWTH_TOLERANCE of fresh */
  readonly flat: boolean;
}

/** The figures issue 10 compares, fresh against seeded. Pure. */
export function growthFigures(run: GrowthRun): GrowthFigure[] {
  const figure = (name: string, pick: (r: RunReport) => number): GrowthFigure => {
    const fresh = pick(run.fresh);
    const seeded = pick(run.seeded);
    const ratio = fresh > 0 ? seeded / fresh : null;
    return { name, unit: 'ms', fresh, seeded, ratio, flat: seeded <= fresh * (1 + GROWTH_TOLERANCE) };
  };
  return [
    figure('CPU per order', (r) => r.cost.cpuMsPerOrder),
    figure('completion p50', (r) => r.latency.completion.p50),
    figure('completion p99', (r) => r.latency.completion.p99),
    figure('accept p50', (r) => r.latency.accept.p50),
    figure('accept p99', (r) => r.latency.accept.p99),
  ];
}
