import type { StoreRequest } from '../../runtime/store.ts';
import { checkerToken, checkInvariants, collectState, settle, type Anomaly, type Expectations, type SystemState } from '../../analyse/index.ts';
import { launchSystem, type LaunchedSystem } from '../../runtime/launch.ts';
import { newServiceSecret } from '../../runtime/system.ts';
import type { SupervisorEvent } from '../../runtime/supervisor.ts';
import { prepareUsers, type PreparedUser } from '../../scenarios/load.ts';
import { SERVICES, type ServiceName, type Style } from '../../model/style.ts';
import { startSink, type DeliverySink } from '../engine/sink.ts';

export interface FaultSystemOptions {
  /** default SQLite; PostgreSQL at a URL, or a private one */
  readonly store?: StoreRequest;
  readonly style: Style;
  /** instances per service (auth runs once) */
  readonly replicas?: Readonly<Partial<Record<ServiceName, number>>>;
  /** NATS URL; default $NATS_URL, else a private nats-server (the only broker a run can restart) */
  readonly nats?: string;
  /** private nats-servers routed together, when no URL is given; default 1. 3 or 5 add the node faults */
  readonly natsCluster?: number;
  /** replicas of the streams and consumers; default 3 on a cluster of 3 or 5 */
  readonly streamReplicas?: number;
  /** users registered and funded before the load */
  readonly users: number;
  /** every supervisor transition: restarts, exits */
  readonly onEvent?: (event: SupervisorEvent) => void;
  /** the services' stderr lines, warnings included (while peers die); default dropped, and only errors are logged */
  readonly onLog?: (line: string) => void;
}

/** What an outage and a chaos run both take: the open-loop order load, the broker and store, the command line. */
export interface FaultLoadOptions {
  readonly users: number;
  /** orders per second, open loop */
  readonly rate: number;
  /** ms of the measured window: the faults fall in it */
  readonly durationMs: number;
  readonly warmupMs: number;
  /** ms to wait for answers after the load */
  readonly drainMs: number;
  readonly maxInflight: number;
  readonly insufficient: number;
  readonly seed: number;
  readonly nats?: string;
  /** default SQLite; PostgreSQL at a URL, or a private one */
  readonly store?: StoreRequest;
  /** private nats-servers routed together; 3 or 5 make the single nodes a fault target */
  readonly natsCluster?: number;
  readonly streamReplicas?: number;
  /** the command line, saved with the result so the run can be replayed */
  readonly argv: readonly string[];
  /** one line per step, for a progress display */
  readonly onProgress?: (line: string) => void;
}

/** A processes-topology system to break: its supervisor, a delivery sink, funded users, and the invariant check. */
export interface FaultSystem {
  readonly system: LaunchedSystem & Required<Pick<LaunchedSystem, 'supervisor'>>;
  readonly sink: DeliverySink;
  readonly users: readonly PreparedUser[];
  /** resolves once every service process is up again (the supervisor restarts what was killed) */
  allUp(timeoutMs: number): Promise<void>;
  /** lets the system settle for up to `settleMs`, then checks every invariant against what the client was told */
  check(expectations: Expectations, settleMs: number): Promise<CheckOutcome>;
  close(): Promise<void>;
}

export interface CheckOutcome {
  readonly anomalies: Anomaly[];
  /** the settled state the check read */
  readonly state: SystemState;
  /** ms from the call until the state had settled (or the settle window ran out) */
  readonly settledInMs: number;
}

/** The broker options of an outage or chaos run, as startFaultSystem takes them. */
export const brokerOf = (opts: Pick<FaultSystemOptions, 'nats' | 'natsCluster' | 'streamReplicas'>) => ({
  ...(opts.nats ? { nats: opts.nats } : {}),
  ...(opts.natsCluster ? { natsCluster: opts.natsCluster } : {}),
  ...(opts.streamReplicas ? { streamReplicas: opts.streamReplicas } : {}),
});

/** Starts the system in the processes topology (every service its own process), registers and funds the users. */
export async function startFaultSystem(opts: FaultSystemOptions): Promise<FaultSystem> {
  const sink = await startSink();
  const serviceSecret = newServiceSecret();
  let system: LaunchedSystem | undefined;
  try {
    system = await launchSystem({
      style: opts.style,
      topology: { kind: 'processes', replicas: opts.replicas },
      ...(opts.store ? { store: opts.store } : {}),
      ...brokerOf(opts),
      webhook: `${sink.url}/deliveries`,
      serviceSecret,
      // Warnings (dead letters, a relay's failed publishes, consumers holding events) only for a caller
      // that asked for the services' lines: they are what explains an order left behind.
      logLevel: opts.onLog ? 'warn' : 'error',
      onStdoutLine: () => {},
      supervisor: {
        ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
        stderr: (line, from) => opts.onLog?.(`[${from.service}#${from.replica}] ${line}`),
      },
    });
    const { supervisor } = system;
    if (!supervisor) throw new Error('the processes topology started without a supervisor');
    const launched = { ...system, supervisor };
    const { users } = await prepareUsers(system.url, opts.users);
    const token = await checkerToken(serviceSecret);
    const read = () => collectState({ baseUrl: launched.url, services: launched.services, serviceToken: token, users });
    return {
      system: launched,
      sink,
      users,
      allUp: async (timeoutMs) => {
        await Promise.all([...SERVICES, 'gateway'].map((s) => supervisor.waitReady(s, undefined, timeoutMs)));
      },
      async check(expectations, settleMs) {
        const started = Date.now();
        const state = await settle(read, { timeoutMs: settleMs });
        return { anomalies: checkInvariants(state, expectations), state, settledInMs: Date.now() - started };
      },
      async close() {
        await launched.stop();
        await sink.close();
      },
    };
  } catch (error) {
    await system?.stop().catch(() => undefined);
    await sink.close();
    throw error;
  }
}
