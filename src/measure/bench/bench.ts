import type { StoreRequest } from '../../runtime/store.ts';
import { cpus, totalmem } from 'node:os';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startChildSystem } from '../../runtime/child.ts';
import { findNatsServer, type ResolvedNats } from '../../runtime/nats-server.ts';
import { resolveBroker } from '../../runtime/nats-broker.ts';
import type { RunConfig, RunReport } from '../../model/schema.ts';
import { orderPlan, prepareUsers, type PreparedUsers } from '../../scenarios/load.ts';
import type { Style } from '../../model/style.ts';
import { now } from '../engine/clock.ts';
import { runLoad } from '../engine/engine.ts';
import { scrapeMetrics } from '../engine/metrics-snapshot.ts';
import { processTreeUsage, processUsage, type ProcessUsage } from '../engine/proc.ts';
import { ownDatabase, storageText } from './bench-store.ts';
import { composeProjectUsage } from './containers.ts';
import { acceptedOrderId, LIMITED, orderClient, placeOrder, SHED } from '../engine/place-order.ts';
import { startSink, type DeliverySink } from '../engine/sink.ts';
import { aggregate } from './aggregate.ts';
import type { RawOrder, RawRun } from './raw.ts';
import type { LoadResult } from '../engine/load-options.ts';
import type { LoadTick } from '../engine/tally.ts';
import { readOwnProcess, readSystemProcesses } from '../engine/runtime-stats.ts';
import { INPROC, type Topology } from '../../model/topology.ts';
import { readLinks } from './link-readings.ts';


export interface BenchOptions extends Omit<RunConfig, 'style' | 'argv' | 'store'> {
  readonly style: Style;
  readonly argv?: readonly string[];
  /** inproc (default) or processes: started here as `interplay up`; external: already running at its baseUrl */
  readonly topology?: Topology;
  /** environment variables for the system the bench starts, over this process's */
  readonly systemEnv?: Readonly<Record<string, string>>;
  /** default SQLite; PostgreSQL at a URL, or a private one the system starts */
  readonly store?: StoreRequest;
  /** NATS URL for the event styles; default $NATS_URL, else a private nats-server per run */
  readonly nats?: string;
  /** private nats-servers routed together when no URL is given; default 1 */
  readonly natsCluster?: number;
  /** replicas of the streams and consumers; default 3 on a private cluster of 3 or 5, else 1 */
  readonly streamReplicas?: number;
  /** a broker the caller started and keeps across runs, instead of `nats`; with a pid, its CPU counts as the system's */
  readonly broker?: Pick<ResolvedNats, 'url' | 'pid'> & { readonly pids?: readonly number[] };
  /** a delivery sink the caller keeps across runs; default one for this run (see `sink`) */
  readonly deliveries?: DeliverySink;
  /** the system's data directory (`up --data`), kept after the run, so a later run can start on what it left; default a temporary one */
  readonly data?: string;
  /** how the load's users come to be; default `prepareUsers`: `users` new ones registered, logged in and funded */
  readonly setup?: (baseUrl: string) => Promise<PreparedUsers>;
  readonly onPhase?: (phase: 'starting' | 'setup' | 'load' | 'drain' | 'collect') => void;
  readonly onTick?: (tick: LoadTick) => void;
}

/**
 * One style under load: the system runs as `interplay up` in a child process (or elsewhere, for
 * external), orders are sent from here on a schedule, and the notification webhook comes back to a
 * sink on this process's clock. Collects the raw run; `aggregate` makes the result.
 */
export async function collectRun(opts: BenchOptions): Promise<RawRun> {
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    opts.onPhase?.('starting');
    const topology = opts.topology ?? INPROC;
    const sink = opts.deliveries ?? (await startSink((topology.kind === 'external' && topology.sink) || {}));
    if (!opts.deliveries) cleanups.push(() => sink.close());
    const external = topology.kind === 'external';
    const nats = opts.style === 'rest' || external ? undefined : (opts.broker ?? (await ownBroker(opts, cleanups)));
    const streamReplicas = nats ? (opts.streamReplicas ?? ('defaultReplicas' in nats ? nats.defaultReplicas : undefined)) : undefined;
    // A private PostgreSQL is started here, not by the system, so that its processes' CPU is measured as the broker's is.
    const database = external ? undefined : await ownDatabase(opts.store, opts.data, cleanups);
    const system = topology.kind === 'external'
      ? { url: topology.baseUrl, pid: undefined }
      : await startChildSystem({
          style: opts.style,
          nats: nats?.url,
          webhook: `${sink.url}/deliveries`,
          data: opts.data,
          topology,
          env: { ...opts.systemEnv, ...(streamReplicas ? { INTERPLAY_STREAM_REPLICAS: String(streamReplicas) } : {}) },
          ...(database ? { store: database.store } : {}),
        });
    if ('stop' in system) cleanups.push(() => system.stop());
    const measured = [
      ...(await measuredProcesses(system.url, topology.kind, system.pid, nats?.pids ?? (nats?.pid ? [nats.pid] : []))),
      ...(database?.pid ? [{ name: 'postgres', pid: database.pid, tree: true }] : []),
    ];
    const dockerProject = topology.kind === 'external' ? topology.dockerProject : undefined;
    const sampleUsage = dockerProject ? containerSampler(dockerProject) : () => usages(measured);

    opts.onPhase?.('setup');
    const { tokens } = await (opts.setup ?? ((url: string) => prepareUsers(url, opts.users)))(system.url);
    const plan = orderPlan(opts);
    const client = orderClient(system.url, opts.maxInflight);
    cleanups.push(() => client.close());

    const metricsBefore = await scrapeMetrics(system.url);
    const processesBefore = await sampleUsage();
    // Each process's event-loop delay, GC and checkpoints over the run; this read starts the delay histograms anew.
    const runtime = async () => (external ? [] : [...(await readSystemProcesses(system.url)), await readOwnProcess()]);
    const runtimeBefore = await runtime();
    // Each link's bytes and CPU, apart from the services'; only the processes topology runs links.
    const links = async () => (topology.kind === 'processes' ? await readLinks(system.url) : []);
    const linksBefore = await links();
    const orders: RawOrder[] = [];
    const ticks: LoadTick[] = [];
    /** the measured window's start on the run's clock: the first intended send after the warm-up */
    let windowStart = Number.POSITIVE_INFINITY;
    const failures: Record<string, number> = {};
    const fail = (kind: string) => void (failures[kind] = (failures[kind] ?? 0) + 1);
    let shed = 0;
    let limited = 0;

    opts.onPhase?.('load');
    const timelineOrigin = now();
    const run = runLoad({
      ...(opts.mode === 'open'
        ? { mode: 'open' as const, rate: opts.rate ?? 100, arrivals: opts.arrivals, seed: opts.seed, maxInflight: opts.maxInflight }
        : { mode: 'closed' as const, connections: opts.connections ?? 16 }),
      durationMs: opts.durationMs,
      warmupMs: opts.warmupMs,
      drainTimeoutMs: opts.drainMs,
      request: async (_i, ctx) => {
        if (!ctx.warmup && ctx.intendedAt < windowStart) windowStart = ctx.intendedAt;
        return placeOrder(client, tokens, plan.next(), ctx.signal);
      },
      onResponse: (_i, intendedAt, res, info) => {
        const id = acceptedOrderId(res);
        if (id !== undefined) orders.push({ id, intendedAt, answeredAt: info.completedAt, warmup: info.warmup });
        else if (!info.warmup && res.kind === SHED) shed++;
        else if (!info.warmup && res.kind === LIMITED) limited++;
        else if (!info.warmup) fail(`http ${res.status}`);
      },
      onError: (_i, _at, error, info) => {
        if (!info.warmup) fail((error as { code?: string }).code ?? (error as Error).name ?? 'error');
      },
    });
    run.on('tick', (tick) => void ticks.push(tick));
    if (opts.onTick) run.on('tick', opts.onTick);
    const load: LoadResult = await run.result;

    opts.onPhase?.('drain');
    await sink.waitFor(
      orders.map((o) => o.id),
      opts.drainMs,
    );
    opts.onPhase?.('collect');
    const metricsAfter = await scrapeMetrics(system.url);
    const processesAfter = await sampleUsage();
    const runtimeAfter = await runtime();
    const linksAfter = await links();
    const deliveries = orders.flatMap((o) => {
      const d = sink.delivery(o.id);
      return d ? [{ orderId: d.orderId, type: d.type, receivedAt: d.receivedAt }] : [];
    });

    return {
      schema: 'interplay/raw@1',
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
        store: opts.store?.kind ?? 'sqlite',
      },
      environment: {
        ...(await environment(opts.style, topology, load.startedAt)),
        storage: storageText(opts.store, external),
      },
      load,
      timelineOrigin,
      windowStart,
      orders,
      deliveries,
      failures,
      shed,
      limited,
      ticks,
      metrics: { before: [...metricsBefore], after: [...metricsAfter] },
      processes: { before: processesBefore, after: processesAfter },
      ...(external ? {} : { runtime: { before: runtimeBefore, after: runtimeAfter } }),
      ...(linksAfter.length > 0 ? { links: { before: linksBefore, after: linksAfter } } : {}),
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

/** The run's own broker, stopped with the run: `url`, else $NATS_URL, else a private nats-server. */
async function ownBroker(opts: Pick<BenchOptions, 'nats' | 'natsCluster'>, cleanups: (() => Promise<unknown>)[]) {
  const nats = await resolveBroker({ url: opts.nats, cluster: opts.natsCluster });
  cleanups.push(() => nats.stop());
  return nats;
}

/** Collect, then aggregate: the plain `interplay/run@1` object every renderer reads. */
export async function benchStyle(opts: BenchOptions): Promise<RunReport> {
  return aggregate(await collectRun(opts));
}

/** A process whose CPU and memory count for the system: a service replica, the gateway, the broker. */
interface Measured {
  /** what the table shows: several replicas of one service add up under one name */
  readonly name: string;
  readonly pid: number;
  /** with its children: a postmaster's backends do PostgreSQL's work */
  readonly tree?: boolean;
}

/**
 * The processes to measure. inproc: the one child that runs everything; processes: every process the
 * gateway's /health lists, and the supervisor (the child itself); external: none, they may be elsewhere.
 */
async function measuredProcesses(url: string, topology: Topology['kind'], childPid: number | undefined, natsPids: readonly number[]): Promise<Measured[]> {
  // The nodes of a cluster add up under one name, as replicas of a service do.
  const out: Measured[] = natsPids.map((pid) => ({ name: 'nats-server', pid }));
  if (childPid === undefined) return out;
  if (topology !== 'processes') return [{ name: 'system (4 services + gateway, one process)', pid: childPid }, ...out];
  const health = (await (await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) })).json()) as {
    processes?: { service: string; pid?: number }[];
  };
  const listed = (health.processes ?? []).flatMap((p) => (typeof p.pid === 'number' ? [{ name: p.service, pid: p.pid }] : []));
  return [...listed, { name: 'supervisor', pid: childPid }, ...out];
}

/** The compose project's containers as the processes of the run, read from the engine (see containers.ts). */
const containerSampler = (project: string) => async (): Promise<Record<string, ProcessUsage | undefined>> => composeProjectUsage(project);

async function usages(processes: readonly Measured[]): Promise<Record<string, ProcessUsage | undefined>> {
  const out: Record<string, ProcessUsage | undefined> = {};
  for (const { name, pid, tree } of processes) {
    const usage = tree ? await processTreeUsage(pid) : await processUsage(pid);
    if (!usage) continue;
    const sum = out[name];
    out[name] = sum
      ? { cpuMs: sum.cpuMs + usage.cpuMs, rssBytes: sum.rssBytes + usage.rssBytes, rssPeakBytes: sum.rssPeakBytes + usage.rssPeakBytes }
      : usage;
  }
  return out;
}

const TOPOLOGY_TEXT: Record<Topology['kind'], string> = {
  inproc: 'inproc: 4 services + gateway in one child process',
  processes: 'processes: each service replica and the gateway its own process, under a supervisor',
  external: 'external: a system started elsewhere, loaded at its base URL',
};

/** The run's `environment.topology`: a sentence, as results on disk have it. */
function topologyText(style: Style, topology: Topology): string {
  const where = topology.kind === 'external' && topology.dockerProject
    ? `external: compose project ${topology.dockerProject}, CPU and memory per container from the Docker engine`
    : TOPOLOGY_TEXT[topology.kind];
  return `${where}${style === 'rest' || topology.kind === 'external' ? '' : ', nats-server beside it'}; load generator and webhook sink in the parent`;
}

async function environment(style: Style, topology: Topology, startedAt: string): Promise<RunReport['environment']> {
  return {
    node: process.version,
    natsServer: style === 'rest' ? null : await natsVersion(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cpuCount: cpus().length,
    totalMemoryBytes: totalmem(),
    platform: `${process.platform} ${process.arch}`,
    topology: topologyText(style, topology),
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

