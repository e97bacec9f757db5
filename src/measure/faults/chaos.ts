import type { Anomaly } from '../../analyse/index.ts';
import { chaosSchedule, FAULT_TYPES, type Fault } from '../../scenarios/faults.ts';
import type { Style } from '../../model/style.ts';
import { brokerOf, startFaultSystem, type FaultLoadOptions, type FaultSystem } from './fault-system.ts';
import { expectationsOf, placeOrders } from './order-load.ts';
import { postgresFaultUnfit, terminateServiceConnections } from './outage-postgres.ts';
import { now } from '../engine/clock.ts';
import { incidentEnds, recoveryAfter, slowestRecovery, type Recovery } from './recovery.ts';

/** `durationMs` is the load the faults fall in. */
export interface ChaosOptions extends FaultLoadOptions {
  readonly styles: readonly Style[];
  /** faults per style */
  readonly kills: number;
  /** ms the system may take to finish what it accepted once the load stopped: the settle window */
  readonly settleMs: number;
  readonly replicas: Readonly<Record<'billing' | 'order' | 'notification', number>>;
  /** fraction of orders sent with an Idempotency-Key */
  readonly keyed: number;
  /** fraction of requests that replay an earlier key */
  readonly replays: number;
  readonly onLog?: (line: string) => void;
}

/** A fault as it was carried out. */
export type FaultRecord = Fault & {
  /** ms after the load started when it was carried out */
  readonly doneAtMs?: number;
  /** why it could not be carried out: the process was already down, the broker is not ours */
  readonly skipped?: string;
  /** ms after the load started when the component was back: restarted and ready (the fault's end) */
  readonly backAtMs?: number;
  /**
   * ms after the load started that the recovery counts from: backAtMs, or, when other faults overlap this
   * one (one fell before the last of them was back), the moment the last of those was back. Faults that
   * overlap are one incident: the system cannot recover from one while another still holds it down.
   */
  readonly recoveredFromMs?: number;
  /** from recoveredFromMs until every order accepted before it was notified (recovery.ts); absent for a skipped fault */
  readonly recovery?: Recovery;
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
    /** distinct orders answered 201, and of those, the ones whose notification reached the sink once the system settled */
    readonly distinctAccepted: number;
    readonly completed: number;
  };
  readonly settledInMs: number;
  /** per kind of fault carried out, the slowest recovery of its faults */
  readonly recovery: Partial<Record<Fault['type'], Recovery>>;
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
    // Drawn only when the run starts a private server: one given by URL is not ours to stop.
    ...(opts.store?.kind === 'postgres' && !opts.store.url ? { postgres: true } : {}),
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
    // The same moment on the run's clock, which the attempts and the sink's deliveries are stamped on.
    const clockStartedAt = now() + opts.warmupMs;
    const postgresFault: PostgresFaultState = { busy: false, store: opts.store };
    const done = schedule.map((fault) => carryOut(fs, fault, startedAt, say, postgresFault));
    await load.run.result;
    const faults = await Promise.all(done);
    say('load stopped; waiting for every process');
    await fs.allUp(ALL_UP_TIMEOUT_MS);
    say('settling');
    const { anomalies, settledInMs } = await fs.check(expectationsOf(fs.users, load.attempts), opts.settleMs);
    const accepted = load.attempts.filter((a) => a.orderId !== undefined).length;
    // A replay carries its original's id: each order counts once.
    const ids = new Set(load.attempts.flatMap((a) => a.orderId ?? []));
    // The settled state says every order is notified; the webhook call itself may still be in its
    // retry back-off after a kill or a database fault, so the sink gets the settle window too.
    await fs.sink.waitFor(ids, opts.settleMs);
    const completed = [...ids].filter((id) => fs.sink.receivedAt(id) !== undefined).length;
    const notifiedAt = (id: string) => fs.sink.receivedAt(id);
    const ends = incidentEnds(faults);
    const measured = faults.map((f, i) => {
      const from = ends[i];
      return from === undefined ? f : { ...f, recoveredFromMs: from, recovery: recoveryAfter(load.attempts, notifiedAt, clockStartedAt + from) };
    });
    return {
      style,
      faults: measured,
      restarts,
      orders: {
        sent: load.attempts.length,
        accepted,
        keyed: load.attempts.filter((a) => a.key !== undefined && !a.replay).length,
        replays: load.attempts.filter((a) => a.replay).length,
        refused: load.attempts.length - accepted,
        distinctAccepted: ids.size,
        completed,
      },
      settledInMs,
      recovery: slowestByKind(measured),
      anomalies,
    };
  } finally {
    await fs.close();
  }
}

/** per kind of fault, the slowest recovery among those measured */
function slowestByKind(faults: readonly FaultRecord[]): Partial<Record<Fault['type'], Recovery>> {
  const out: Partial<Record<Fault['type'], Recovery>> = {};
  for (const type of FAULT_TYPES) {
    const slowest = slowestRecovery(faults.flatMap((f) => (f.type === type && f.recovery ? [f.recovery] : [])));
    if (slowest) out[type] = slowest;
  }
  return out;
}

/** Shared by the faults of one run: a PostgreSQL fault still in progress, and the store the databases are named by. */
interface PostgresFaultState {
  busy: boolean;
  readonly store: ChaosOptions['store'];
}

/** Waits for the fault's time (ms after the measured load started) and carries it out. */
async function carryOut(fs: FaultSystem, fault: Fault, startedAt: number, say: (line: string) => void, pg: PostgresFaultState): Promise<FaultRecord> {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, startedAt + fault.atMs - Date.now())));
  const doneAtMs = Date.now() - startedAt;
  if (fault.type === 'postgres-restart' || fault.type === 'postgres-terminate') return postgresFault(fs, fault, doneAtMs, say, pg);
  if (fault.type === 'broker-restart') {
    const broker = fs.system.broker;
    if (!broker) return { ...fault, skipped: 'the broker was given by URL; only a private nats-server is restarted' };
    say(`crashing nats-server at ${(doneAtMs / 1000).toFixed(1)} s`);
    await broker.halt('SIGKILL');
    await broker.resume();
    return { ...fault, doneAtMs, backAtMs: Date.now() - startedAt };
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
    return { ...fault, doneAtMs, backAtMs: Date.now() - startedAt };
  }
  const killed = await fs.system.supervisor.kill(fault.service, fault.replica, 'SIGKILL');
  if (killed.length === 0) return { ...fault, doneAtMs, skipped: 'not running (still restarting from an earlier kill)' };
  say(`killed ${fault.service}#${fault.replica} at ${(doneAtMs / 1000).toFixed(1)} s`);
  // The fault ends when the supervisor has it back; a later kill of the same process only delays that.
  await fs.system.supervisor.waitReady(fault.service, fault.replica, ALL_UP_TIMEOUT_MS).catch(() => undefined);
  return { ...fault, doneAtMs, backAtMs: Date.now() - startedAt };
}

/**
 * Restarts the private PostgreSQL, or ends the services' connections to it. One at a time: a fault
 * falling while an earlier one is still in progress (the server still starting) is skipped, as it
 * would only cut that one's recovery short.
 */
async function postgresFault(
  fs: FaultSystem,
  fault: Extract<Fault, { type: 'postgres-restart' | 'postgres-terminate' }>,
  doneAtMs: number,
  say: (line: string) => void,
  pg: PostgresFaultState,
): Promise<FaultRecord> {
  const server = fs.system.postgres;
  const unfit = postgresFaultUnfit(pg.store, server);
  if (unfit || !server) return { ...fault, skipped: unfit ?? 'no private PostgreSQL' };
  if (pg.busy) return { ...fault, doneAtMs, skipped: 'PostgreSQL is still coming back from an earlier fault' };
  pg.busy = true;
  const halting = Date.now();
  try {
    if (fault.type === 'postgres-terminate') {
      const ended = await terminateServiceConnections(server, pg.store);
      say(`ended ${ended} PostgreSQL connections at ${(doneAtMs / 1000).toFixed(1)} s`);
      // Nothing was stopped: the pools may connect again at once.
      return { ...fault, doneAtMs, backAtMs: doneAtMs };
    }
    say(`restarting PostgreSQL at ${(doneAtMs / 1000).toFixed(1)} s`);
    await server.halt();
    await server.start();
    return { ...fault, doneAtMs, backAtMs: doneAtMs + (Date.now() - halting) };
  } catch (error) {
    // Recorded, not thrown: the run goes on to the check, which tells whether anything was lost.
    return { ...fault, doneAtMs, skipped: `PostgreSQL fault failed: ${(error as Error).message.split('\n')[0]}` };
  } finally {
    pg.busy = false;
  }
}
