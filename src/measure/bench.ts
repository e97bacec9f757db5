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

/** the kind of a response that shed the order (`orders.shed`) */
const SHED = 'shed';

export interface BenchOptions extends Omit<RunConfig, 'style' | 'argv'> {
  readonly style: Style;
  readonly argv?: readonly string[];
  /** inproc (default) or processes: started here as `interplay up`; external: already running at baseUrl */
  readonly topology?: 'inproc' | 'processes' | 'external';
  /** processes: instances per service */
  readonly replicas?: Readonly<Record<string, number>>;
  /** external: the system to load */
  readonly baseUrl?: string;
  /** external: where the delivery sink listens (the system's --webhook points at it); default a free loopback port */
  readonly sink?: { readonly host: string; readonly port: number };
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
    const topology = opts.topology ?? 'inproc';
    const sink = await startSink(opts.sink ?? {});
    cleanups.push(() => sink.close());
    const external = topology === 'external';
    const nats = opts.style === 'rest' || external ? undefined : await resolveNats({ url: opts.nats });
    if (nats) cleanups.push(() => nats.stop());
    const system = external
      ? { url: opts.baseUrl ?? '', pid: undefined }
      : await startChildSystem({ style: opts.style, nats: nats?.url, webhook: `${sink.url}/deliveries`, topology, replicas: opts.replicas });
    if ('stop' in system) cleanups.push(() => system.stop());
    const measured = await measuredProcesses(system.url, topology, system.pid, nats?.pid);

    opts.onPhase?.('setup');
    const { tokens } = await prepareUsers(system.url, opts.users);
    const plan = orderPlan(opts);
    const client = createJsonClient({ baseUrl: system.url, connections: Math.min(opts.maxInflight, 256) });
    cleanups.push(() => client.close());

    const before = await scrapeMetrics(system.url);
    const usageBefore = await usages(measured);
    const placed = new Map<string, Placed>();
    /** the measured window's start on the run's clock: the first intended send after the warm-up */
    let windowStart = Number.POSITIVE_INFINITY;
    const failures: Record<string, number> = {};
    const fail = (kind: string) => void (failures[kind] = (failures[kind] ?? 0) + 1);
    let shed = 0;

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
        // A 503 with Retry-After is the system shedding load: refused before any work, not failed.
        return { status: res.status, data: res.data, ...(res.status === 503 && res.headers['retry-after'] !== undefined ? { kind: SHED } : {}) };
      },
      onResponse: (_i, intendedAt, res, info) => {
        const id = (res.data as { id?: unknown } | undefined)?.id;
        if (res.status === 201 && typeof id === 'string') {
          placed.set(id, { intendedAt, warmup: info.warmup });
          timeline.accepted(info.completedAt, info.completedAt - intendedAt);
        } else if (!info.warmup && res.kind === SHED) shed++;
        else if (!info.warmup) fail(`http ${res.status}`);
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
    const usageAfter = await usages(measured);

    const completion = new LatencyHistogram();
    const orders = { placed: 0, paid: 0, rejected: 0, pending: 0, failed: 0, shed, dropped: load.dropped };
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
      environment: await environment(opts.style, topology, load.startedAt),
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

/** A process whose CPU and memory count for the system: a service replica, the gateway, the broker. */
interface Measured {
  /** what the table shows: several replicas of one service add up under one name */
  readonly name: string;
  readonly pid: number;
}

/**
 * The processes to measure. inproc: the one child that runs everything; processes: every process the
 * gateway's /health lists, and the supervisor (the child itself); external: none, they may be elsewhere.
 */
async function measuredProcesses(url: string, topology: string, childPid: number | undefined, natsPid: number | undefined): Promise<Measured[]> {
  const out: Measured[] = natsPid ? [{ name: 'nats-server', pid: natsPid }] : [];
  if (childPid === undefined) return out;
  if (topology !== 'processes') return [{ name: 'system (4 services + gateway, one process)', pid: childPid }, ...out];
  const health = (await (await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) })).json()) as {
    processes?: { service: string; pid?: number }[];
  };
  const listed = (health.processes ?? []).flatMap((p) => (typeof p.pid === 'number' ? [{ name: p.service, pid: p.pid }] : []));
  return [...listed, { name: 'supervisor', pid: childPid }, ...out];
}

async function usages(processes: readonly Measured[]): Promise<Record<string, ProcessUsage | undefined>> {
  const out: Record<string, ProcessUsage | undefined> = {};
  for (const { name, pid } of processes) {
    const usage = await processUsage(pid);
    if (!usage) continue;
    const sum = out[name];
    out[name] = sum
      ? { cpuMs: sum.cpuMs + usage.cpuMs, rssBytes: sum.rssBytes + usage.rssBytes, rssPeakBytes: sum.rssPeakBytes + usage.rssPeakBytes }
      : usage;
  }
  return out;
}

const TOPOLOGY_TEXT: Record<string, string> = {
  inproc: 'inproc: 4 services + gateway in one child process',
  processes: 'processes: each service replica and the gateway its own process, under a supervisor',
  external: 'external: a system started elsewhere, loaded at its base URL',
};

async function environment(style: Style, topology: string, startedAt: string): Promise<RunReport['environment']> {
  return {
    node: process.version,
    natsServer: style === 'rest' ? null : await natsVersion(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cpuCount: cpus().length,
    totalMemoryBytes: totalmem(),
    platform: `${process.platform} ${process.arch}`,
    topology: `${TOPOLOGY_TEXT[topology] ?? topology}${style === 'rest' || topology === 'external' ? '' : ', nats-server beside it'}; load generator and webhook sink in the parent`,
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

