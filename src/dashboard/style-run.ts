import type { StoreRequest } from '../runtime/store.ts';
import { createJsonClient } from '../measure/engine/http-client.ts';
import { acceptedOrderId, placeOrder, SHED } from '../measure/engine/place-order.ts';
import { startSink } from '../measure/engine/sink.ts';
import { errorKind } from '../measure/engine/tally.ts';
import { webhookChannel } from '../runtime/delivery/webhook.ts';
import { launchSystem, type LaunchedSystem } from '../runtime/launch.ts';
import type { SystemTopology } from '../model/topology.ts';
import { orderPlan, prepareUsers } from '../scenarios/load.ts';
import type { Style } from '../model/style.ts';
import { now } from '../measure/engine/clock.ts';
import { watchRecovery, type LiveRecovery, type RecoveryWatch } from '../measure/faults/recovery.ts';
import type { LoadCounters } from './sample.ts';
import { steadyLoad } from './steady-load.ts';
import type { BrokerFlags } from '../runtime/launch.ts';

export interface StyleRunOptions extends Omit<BrokerFlags, 'nats'> {
  /** default SQLite; PostgreSQL at a URL, or a private one */
  readonly store?: StoreRequest;
  readonly style: Style;
  /** processes may carry instances per service */
  readonly topology: SystemTopology;
  /** intended orders per second */
  readonly rate: number;
  /** NATS URL for the event styles; default $NATS_URL, else a private nats-server */
  readonly nats?: string;
  /** users registered and funded before the load */
  readonly users: number;
  readonly seed: number;
  /** the services' log lines (processes topology), so they do not scribble over the screen */
  readonly onLog?: (line: string) => void;
  /** 'setup' once the system answers and users are being registered */
  readonly onPhase?: (phase: 'setup') => void;
}

/** One style's system under a steady load, with every order followed to its notification. */
export interface StyleRun {
  readonly system: LaunchedSystem;
  readonly rate: number;
  setRate(rate: number): void;
  counters(): LoadCounters;
  /** latencies (ms) since the last call: accept (intended send → 201) and completion (→ notification) */
  takeLatencies(): { readonly accept: number[]; readonly completion: number[] };
  /** `what` is back (started again and ready): follow the recovery, until every order accepted until now is notified */
  watchRecovery(what: string): void;
  /** the last recovery followed, if any */
  recovery(): LiveRecovery | undefined;
  /** stops the load, then the system, its broker and the sink; leaves nothing running */
  stop(): Promise<void>;
}

/** open requests allowed; beyond this a due send is dropped and counted, as in bench */
const MAX_INFLIGHT = 1000;
/** affordable orders are 80 %, as in bench's default, so both notification kinds show */
const INSUFFICIENT = 0.2;

export async function startStyleRun(opts: StyleRunOptions): Promise<StyleRun> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const sink = await startSink();
    cleanups.push(() => sink.close());
    const webhook = `${sink.url}/deliveries`;
    // inproc: notification runs here and POSTs to the sink itself; processes: its process is told the URL.
    const delivery = opts.topology.kind === 'inproc' ? webhookChannel({ url: webhook }) : undefined;
    if (delivery) cleanups.push(() => delivery.close());
    const onLog = opts.onLog;
    const system = await launchSystem({
      style: opts.style,
      topology: opts.topology,
      port: 0,
      nats: opts.nats,
      ...(opts.store ? { store: opts.store } : {}),
      natsCluster: opts.natsCluster,
      streamReplicas: opts.streamReplicas,
      // The screen is the dashboard's: only errors, and those shown as the note line.
      logLevel: 'error',
      ...(delivery ? { delivery } : { webhook, onStdoutLine: () => undefined }),
      ...(onLog ? { supervisor: { stderr: (line: string, from: { service: string; replica: number }) => onLog(`${from.service}#${from.replica}: ${line}`) } } : {}),
    });
    cleanups.push(() => system.stop());

    opts.onPhase?.('setup');
    const { tokens } = await prepareUsers(system.url, opts.users);
    const plan = orderPlan({ users: opts.users, insufficient: INSUFFICIENT, seed: opts.seed });
    const client = createJsonClient({ baseUrl: system.url, connections: 64 });
    cleanups.push(() => client.close());

    /** accepted orders waiting for their notification: id → intended send time */
    const placed = new Map<string, number>();
    const failures: Record<string, number> = {};
    let accepted = 0;
    let completed = 0;
    let accept: number[] = [];
    let completion: number[] = [];
    let watch: RecoveryWatch | undefined;
    const complete = (intendedAt: number, receivedAt: number) => {
      completed++;
      completion.push(receivedAt - intendedAt);
    };
    const fail = (kind: string) => void (failures[kind] = (failures[kind] ?? 0) + 1);
    const unsubscribe = sink.onDelivery((d) => {
      const intendedAt = placed.get(d.orderId);
      if (intendedAt === undefined) return; // answered later (rest notifies before it answers): counted then
      placed.delete(d.orderId);
      complete(intendedAt, d.receivedAt);
      watch?.notified(d.orderId, d.receivedAt);
    });

    const load = steadyLoad({
      rate: opts.rate,
      maxInflight: MAX_INFLIGHT,
      request: (ctx) => placeOrder(client, tokens, plan.next(), ctx.signal),
      onResponse: (intendedAt, completedAt, res) => {
        const id = acceptedOrderId(res);
        if (id === undefined) {
          watch?.refused(intendedAt);
          return fail(res.kind === SHED ? 'shed 503' : `http ${res.status}`);
        }
        accepted++;
        accept.push(completedAt - intendedAt);
        const receivedAt = sink.receivedAt(id);
        watch?.accepted(id, intendedAt, receivedAt);
        if (receivedAt === undefined) placed.set(id, intendedAt);
        else complete(intendedAt, receivedAt);
      },
      onError: (intendedAt, error) => {
        watch?.refused(intendedAt);
        fail(errorKind(error));
      },
    });
    // The load stops first, so no request is sent to a system that is going away.
    cleanups.push(async () => {
      await load.stop();
      unsubscribe();
    });

    return {
      system,
      get rate() {
        return load.rate;
      },
      setRate: (rate) => load.setRate(rate),
      counters: () => ({
        scheduled: load.scheduled,
        sent: load.sent,
        dropped: load.dropped,
        accepted,
        completed,
        inflight: load.inflight,
        pending: placed.size,
        failures: { ...failures },
      }),
      takeLatencies() {
        const out = { accept, completion };
        accept = [];
        completion = [];
        return out;
      },
      watchRecovery(what) {
        watch = watchRecovery(what, now(), placed.keys(), load.inflight);
      },
      recovery: () => watch?.state(now()),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}


