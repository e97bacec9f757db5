import type { StoreRequest } from '../runtime/store.ts';
import type { Anomaly } from '../analyse/index.ts';
import { chaosSchedule, type Fault } from '../scenarios/faults.ts';
import type { Style } from '../transports/index.ts';
import { brokerOf, startFaultSystem, type FaultSystem } from './fault-system.ts';
import { expectationsOf, placeOrders } from './order-load.ts';

export interface ChaosOptions {
  readonly styles: readonly Style[];
  readonly seed: number;
  /** faults per style */
  readonly kills: number;
  readonly users: number;
  /** orders per second, open loop */
  readonly rate: number;
  /** ms of load the faults fall in */
  readonly durationMs: number;
  readonly warmupMs: number;
  /** ms to wait for answers after the load */
  readonly drainMs: number;
  /** ms the system may take to finish what it accepted once the load stopped: the settle window */
  readonly settleMs: number;
  readonly maxInflight: number;
  readonly insufficient: number;
  readonly replicas: Readonly<Record<'billing' | 'order' | 'notification', number>>;
  /** fraction of orders sent with an Idempotency-Key */
  readonly keyed: number;
  /** fraction of requests that replay an earlier key */
  readonly replays: number;
  readonly nats?: string;
  /** default SQLite; PostgreSQL at a URL, or a private one */
  readonly store?: StoreRequest;
  /** private nats-servers routed together; 3 or 5 make the single nodes a fault target */
  readonly natsCluster?: number;
  readonly streamReplicas?: number;
  /** the command line, saved so the run can be replayed */
  readonly argv: readonly string[];
  /** one line per step, for a progress display */
  readonly onProgress?: (line: string) => void;
  readonly onLog?: (line: string) => void;
}

/** A fault as it was carried out. */
export type FaultRecord = Fault & {
  /** ms after the load started when it was carried out */
  readonly doneAtMs?: number;
  /** why it could not be carried out: the process was already down, the broker is not ours */
  readonly skipped?: string;
};

export interface ChaosStyleResult {
  readonly style: Style;
  readonly faults: readonly FaultRecord[];
  /** automatic restarts the supervisor made */
  readonly restarts: number;
  readonly orders: {
    readonly sent: number;
    /** answered 201, replays included */
    readonly accepted: number;
    readonly keyed: number;
    readonly replays: number;
    /** answered otherwise, or not at all: expected while services die */
    readonly refused: number;
  };
  readonly settledInMs: number;
  readonly anomalies: readonly Anomaly[];
}

export interface ChaosResult {
  readonly schema: 'interplay/chaos@1';
  readonly seed: number;
  readonly kills: number;
  readonly config: Omit<ChaosOptions, 'onProgress' | 'onLog' | 'styles'> & { readonly styles: readonly Style[] };
  readonly styles: readonly ChaosStyleResult[];
}

/** ms for every process to be back after the load; a restart takes a few seconds, a crash loop backs off up to 10 s */
const ALL_UP_TIMEOUT_MS = 60_000;

/**
 * Per style: load a processes-topology system, SIGKILL services and replicas (and crash the broker)
 * on a seeded schedule while the supervisor restarts them, let it settle, and check every invariant
 * against what the client was told.
 */
export async function runChaos(opts: ChaosOptions): Promise<ChaosResult> {
  const styles: ChaosStyleResult[] = [];
  for (const style of opts.styles) styles.push(await chaosOf(style, opts));
  const { onProgress: _p, onLog: _l, ...config } = opts;
  return { schema: 'interplay/chaos@1', seed: opts.seed, kills: opts.kills, config, styles };
}

async function chaosOf(style: Style, opts: ChaosOptions): Promise<ChaosStyleResult> {
  const say = (line: string) => opts.onProgress?.(`${style}: ${line}`);
  const schedule = chaosSchedule({
    seed: opts.seed,
    kills: opts.kills,
    durationMs: opts.durationMs,
    style,
    replicas: opts.replicas,
    ...(opts.natsCluster && !opts.nats ? { brokerNodes: opts.natsCluster } : {}),
  });
  let restarts = 0;
  say('starting');
  const fs = await startFaultSystem({
    style,
    replicas: opts.replicas,
    users: opts.users,
    ...(opts.store ? { store: opts.store } : {}),
    ...brokerOf(opts),
    onEvent: (e) => void (e.type === 'restart-scheduled' && restarts++),
    ...(opts.onLog ? { onLog: opts.onLog } : {}),
  });
  try {
    say(`loading at ${opts.rate}/s with ${schedule.length} faults`);
    const load = placeOrders({ ...opts, baseUrl: fs.system.url, users: fs.users });
    const startedAt = Date.now() + opts.warmupMs;
    const done = schedule.map((fault) => carryOut(fs, fault, startedAt, say));
    await load.run.result;
    const faults = await Promise.all(done);
    say('load stopped; waiting for every process');
    await fs.allUp(ALL_UP_TIMEOUT_MS);
    say('settling');
    const { anomalies, settledInMs } = await fs.check(expectationsOf(fs.users, load.attempts), opts.settleMs);
    const accepted = load.attempts.filter((a) => a.orderId !== undefined).length;
    return {
      style,
      faults,
      restarts,
      orders: {
        sent: load.attempts.length,
        accepted,
        keyed: load.attempts.filter((a) => a.key !== undefined && !a.replay).length,
        replays: load.attempts.filter((a) => a.replay).length,
        refused: load.attempts.length - accepted,
      },
      settledInMs,
      anomalies,
    };
  } finally {
    await fs.close();
  }
}

/** Waits for the fault's time (ms after the measured load started) and carries it out. */
async function carryOut(fs: FaultSystem, fault: Fault, startedAt: number, say: (line: string) => void): Promise<FaultRecord> {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, startedAt + fault.atMs - Date.now())));
  const doneAtMs = Date.now() - startedAt;
  if (fault.type === 'broker-restart') {
    const broker = fs.system.broker;
    if (!broker) return { ...fault, skipped: 'the broker was given by URL; only a private nats-server is restarted' };
    say(`crashing nats-server at ${(doneAtMs / 1000).toFixed(1)} s`);
    await broker.halt('SIGKILL');
    await broker.resume();
    return { ...fault, doneAtMs };
  }
  if (fault.type === 'nats-node-restart') {
    const node = fs.system.brokerNodes?.[fault.node - 1];
    if (!node) return { ...fault, skipped: 'no private cluster with that node' };
    // An earlier fault may still have this node down or starting; crashing it then would only cut that one's recovery short.
    if (node.state !== 'running') return { ...fault, doneAtMs, skipped: `${node.name} is still coming back from an earlier fault` };
    say(`crashing nats node ${node.name} at ${(doneAtMs / 1000).toFixed(1)} s`);
    await node.halt('SIGKILL');
    try {
      await node.resume();
    } catch (error) {
      // Recorded, not thrown: the run goes on to the check, which tells whether anything was lost.
      return { ...fault, doneAtMs, skipped: `${node.name} did not come back: ${(error as Error).message.split('\n')[0]}` };
    }
    return { ...fault, doneAtMs };
  }
  const killed = await fs.system.supervisor.kill(fault.service, fault.replica, 'SIGKILL');
  if (killed.length === 0) return { ...fault, doneAtMs, skipped: 'not running (still restarting from an earlier kill)' };
  say(`killed ${fault.service}#${fault.replica} at ${(doneAtMs / 1000).toFixed(1)} s`);
  return { ...fault, doneAtMs };
}
