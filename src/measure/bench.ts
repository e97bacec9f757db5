import { cpus, totalmem } from 'node:os';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startChildSystem } from '../runtime/child.ts';
import { findNatsServer, resolveNats } from '../runtime/nats-server.ts';
import type { RunConfig, RunReport } from '../report/schema.ts';
import { orderPlan, prepareUsers } from '../scenarios/load.ts';
import type { Style } from '../transports/index.ts';
import { now } from './clock.ts';
import { runLoad } from './engine.ts';
import { LatencyHistogram } from './histogram.ts';
import { createJsonClient } from './http-client.ts';
import { counterDelta, scrapeMetrics } from './metrics-snapshot.ts';
import { processUsage, type ProcessUsage } from './proc.ts';
import { startSink } from './sink.ts';
import { recordTimeline } from './timeline.ts';
import type { LoadResult } from './load-options.ts';
import type { LoadTick } from './tally.ts';

export interface BenchOptions extends Omit<RunConfig, 'style' | 'argv'> {
  readonly style: Style;
  readonly argv?: readonly string[];
  /** NATS URL for the event styles; default $NATS_URL, else a private nats-server per run */
  readonly nats?: string;
  readonly onPhase?: (phase: 'starting' | 'setup' | 'load' | 'drain' | 'collect') => void;
  readonly onTick?: (tick: LoadTick) => void;
}

interface Placed {
  readonly intendedAt: number;
  readonly warmup: boolean;
}

/**
 * One style under load: the system runs as `interplay up` in a child process, orders are sent
 * from here on a schedule, and the notification webhook comes back to a sink on this process's
 * clock. The result is the plain `interplay/run@1` object every renderer reads.
 */
export async function benchStyle(opts: BenchOptions): Promise<RunReport> {
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    opts.onPhase?.('starting');
    const sink = await startSink();
    cleanups.push(() => sink.close());
    const nats = opts.style === 'rest' ? undefined : await resolveNats({ url: opts.nats });
    if (nats) cleanups.push(() => nats.stop());
    const system = await startChildSystem({ style: opts.style, nats: nats?.url, webhook: `${sink.url}/deliveries` });
    cleanups.push(() => system.stop());

    opts.onPhase?.('setup');
    const { tokens } = await prepareUsers(system.url, opts.users);
    const plan = orderPlan(opts);
    const client = createJsonClient({ baseUrl: system.url, connections: Math.min(opts.maxInflight, 256) });
    cleanups.push(() => client.close());

    const before = await scrapeMetrics(system.url);
    const usageBefore = await usages(system.pid, nats?.pid);
    const placed = new Map<string, Placed>();
    /** the measured window's start on the run's clock: the first intended send after the warm-up */
    let windowStart = Number.POSITIVE_INFINITY;
    const failures: Record<string, number> = {};
    const fail = (kind: string) => void (failures[kind] = (failures[kind] ?? 0) + 1);

    opts.onPhase?.('load');
    const timeline = recordTimeline(now());
    const run = runLoad({
      ...(opts.mode === 'open'
        ? { mode: 'open' as const, rate: opts.rate ?? 100, arrivals: opts.arrivals, seed: opts.seed, maxInflight: opts.maxInflight }
        : { mode: 'closed' as const, connections: opts.connections ?? 16 }),
      durationMs: opts.durationMs,
      warmupMs: opts.warmupMs,
      drainTimeoutMs: opts.drainMs,
      request: async (_i, ctx) => {
        if (!ctx.warmup && ctx.intendedAt < windowStart) windowStart = ctx.intendedAt;
        const order = plan.next();
        const res = await client.request({
          method: 'POST',
          path: '/orders',
          headers: { authorization: `Bearer ${tokens[order.user]}` },
          body: { amount: order.amount },
          signal: ctx.signal,
        });
        return { status: res.status, data: res.data };
      },
      onResponse: (_i, intendedAt, res, info) => {
        const id = (res.data as { id?: unknown } | undefined)?.id;
        if (res.status === 201 && typeof id === 'string') {
          placed.set(id, { intendedAt, warmup: info.warmup });
          timeline.accepted(info.completedAt, info.completedAt - intendedAt);
        } else if (!info.warmup) fail(`http ${res.status}`);
      },
      onError: (_i, _at, error, info) => {
        if (!info.warmup) fail((error as { code?: string }).code ?? (error as Error).name ?? 'error');
      },
    });
    run.on('tick', timeline.tick);
    if (opts.onTick) run.on('tick', opts.onTick);
    const load: LoadResult = await run.result;

    opts.onPhase?.('drain');
    await sink.waitFor(placed.keys(), opts.drainMs);
    opts.onPhase?.('collect');
    const after = await scrapeMetrics(system.url);
    const usageAfter = await usages(system.pid, nats?.pid);

    const completion = new LatencyHistogram();
    const orders = { placed: 0, paid: 0, rejected: 0, pending: 0, failed: 0, dropped: load.dropped };
    // Completions that happened inside the measured window, whenever their order was placed:
    // with a backlog, the rate at which orders finish, not the rate at which they were accepted.
    const windowEnd = windowStart + load.durations.measuredMs;
    let completedInWindow = 0;
    for (const id of placed.keys()) {
      const at = sink.receivedAt(id);
      if (at !== undefined && at >= windowStart && at <= windowEnd) completedInWindow++;
    }
    for (const [id, p] of placed) {
      if (p.warmup) continue;
      orders.placed++;
      const delivery = sink.delivery(id);
      if (!delivery) {
        orders.pending++;
        continue;
      }
      completion.record(delivery.receivedAt - p.intendedAt);
      if (delivery.type === 'order.paid') orders.paid++;
      else orders.rejected++;
    }
    orders.failed = Object.values(failures).reduce((a, b) => a + b, 0);
    const allOrders = placed.size;
    const per = (n: number) => (allOrders === 0 ? 0 : n / allOrders);
    const seconds = load.durations.measuredMs / 1000;

    const reads = counterDelta(before, after, 'interplay_http_client_requests_total', (l) => `${l.service}→${l.target} ${l.method} ${l.route}`);
    const messages = counterDelta(before, after, 'interplay_messages_published_total', (l) => l.subject ?? '');
    const bytes = counterDelta(before, after, 'interplay_message_bytes_published_total', (l) => l.subject ?? '');
    const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

    const byService: Record<string, { cpuMs: number; cpuMsPerOrder: number; rssPeakBytes: number }> = {};
    for (const [name, b] of Object.entries(usageBefore)) {
      const a = usageAfter[name];
      if (!a || !b) continue;
      byService[name] = { cpuMs: a.cpuMs - b.cpuMs, cpuMsPerOrder: per(a.cpuMs - b.cpuMs), rssPeakBytes: a.rssPeakBytes };
    }

    const accept = LatencyHistogram.decode(load.acceptHistogram);
    return {
      schema: 'interplay/run@1',
      style: opts.style,
      config: {
        style: opts.style,
        mode: opts.mode,
        ...(opts.mode === 'open' ? { rate: opts.rate, arrivals: opts.arrivals ?? 'uniform' } : { connections: opts.connections }),
        users: opts.users,
        seed: opts.seed,
        insufficient: opts.insufficient,
        durationMs: opts.durationMs,
        warmupMs: opts.warmupMs,
        drainMs: opts.drainMs,
        maxInflight: opts.maxInflight,
        argv: opts.argv ?? [],
      },
      environment: await environment(opts.style, load.startedAt),
      orders,
      throughput: { offered: load.offered, accepted: (orders.placed) / seconds, completed: completedInWindow / seconds },
      latency: { accept: accept.summary(), completion: completion.summary() },
      histograms: { accept: load.acceptHistogram, completion: completion.encode() },
      readLoad: { total: sum(reads), perOrder: per(sum(reads)), byService: reads },
      messages: {
        total: sum(messages),
        perOrder: per(sum(messages)),
        bytesPerOrder: per(sum(bytes)),
        bySubject: Object.fromEntries(Object.keys(messages).map((s) => [s, { messages: messages[s] ?? 0, bytes: bytes[s] ?? 0 }])),
      },
      cost: {
        cpuMsPerOrder: Object.values(byService).reduce((a, s) => a + s.cpuMsPerOrder, 0),
        rssPeakBytes: Object.values(byService).reduce((a, s) => a + s.rssPeakBytes, 0),
        byService,
      },
      errors: { ...failures, ...(load.unfinished > 0 ? { unfinished: load.unfinished } : {}) },
      timeline: timeline.build(
        load.scheduled + load.warmup.sent + load.warmup.dropped,
        [...placed.keys()].flatMap((id) => sink.receivedAt(id) ?? []),
      ),
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

/** what runs in each measured process */
const SYSTEM_PROCESS = 'system (4 services + gateway, one process)';

async function usages(systemPid: number, natsPid: number | undefined): Promise<Record<string, ProcessUsage | undefined>> {
  return {
    [SYSTEM_PROCESS]: await processUsage(systemPid),
    ...(natsPid ? { 'nats-server': await processUsage(natsPid) } : {}),
  };
}

async function environment(style: Style, startedAt: string): Promise<RunReport['environment']> {
  return {
    node: process.version,
    natsServer: style === 'rest' ? null : await natsVersion(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cpuCount: cpus().length,
    totalMemoryBytes: totalmem(),
    platform: `${process.platform} ${process.arch}`,
    topology:
      style === 'rest'
        ? 'inproc: 4 services + gateway in one child process; load generator and webhook sink in the parent'
        : 'inproc: 4 services + gateway in one child process, nats-server beside it; load generator and webhook sink in the parent',
    storage: 'SQLite (WAL), one file per service',
    startedAt,
  };
}

async function natsVersion(): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)(findNatsServer(), ['--version']);
    return stdout.trim();
  } catch {
    return null;
  }
}

