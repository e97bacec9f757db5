import type { StoreRequest } from '../runtime/store.ts';
import { now } from '../measure/engine/clock.ts';
import type { SystemTopology } from '../model/topology.ts';
import type { Style } from '../model/style.ts';
import { systemCollector, type SystemCollector } from './collector.ts';
import { dashboardFrame, TREND_SECONDS, type DashboardFrame } from './frame.ts';
import type { DashboardAction } from './keys.ts';
import type { DashboardPhase, DashboardSample } from './sample.ts';
import { startStyleRun, type StyleRun } from './style-run.ts';
import type { BrokerFlags } from '../runtime/launch.ts';

export interface DashboardOptions extends Omit<BrokerFlags, 'nats'> {
  /** default SQLite; PostgreSQL at a URL, or a private one */
  readonly store?: StoreRequest;
  readonly style: Style;
  /** processes may carry instances per service */
  readonly topology: SystemTopology;
  /** intended orders per second */
  readonly rate: number;
  readonly nats?: string;
  /** users registered and funded before the load; default 10 */
  readonly users?: number;
  /** default 1 */
  readonly seed?: number;
}

export interface DashboardSession {
  /** called with a new frame about once a second, and after every key */
  onFrame(listener: (frame: DashboardFrame) => void): () => void;
  apply(action: DashboardAction): void;
  /** resolves when `q` was pressed and everything is stopped */
  readonly closed: Promise<void>;
  /** stops the load, the system, its broker and temporary files */
  close(): Promise<void>;
}

/** ms between samples: the rates are per second */
const SAMPLE_MS = 1_000;
/** fewer users than bench: each costs an argon2id hash at every start and style switch */
const DEFAULT_USERS = 10;
/** k and r act on these; the gateway stays, or the dashboard would have nothing to read */
const SELECTABLE = ['billing', 'order', 'notification', 'auth'] as const;

/** Runs one style at a time under load, samples it once a second and makes frames of the samples. */
export function startDashboard(opts: DashboardOptions): DashboardSession {
  const listeners = new Set<(frame: DashboardFrame) => void>();
  let style = opts.style;
  let rate = opts.rate;
  let selected: string = SELECTABLE[0];
  let note = '';
  let phase: DashboardPhase = 'starting';
  let startedAt = now();
  let run: StyleRun | undefined;
  let collector: SystemCollector | undefined;
  let samples: DashboardSample[] = [];
  /** one start, switch or stop at a time; keys pressed meanwhile wait their turn */
  let busy: Promise<unknown> = Promise.resolve();
  let closing: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));

  const emit = () => {
    const frame = dashboardFrame(samples.length > 0 ? samples : [idleSample()]);
    for (const l of listeners) l(frame);
  };
  const idleSample = (): DashboardSample => ({
    at: now(), startedAt, phase, style, topology: opts.topology.kind, rate,
    load: { scheduled: 0, sent: 0, dropped: 0, accepted: 0, completed: 0, inflight: 0, pending: 0, failures: {} },
    accept: [], completion: [], processes: [], calls: {}, messages: {}, served503: 0, services: [], backlog: [], selected, note,
  });
  const say = (text: string) => {
    note = text;
    if (samples.length > 0) samples[samples.length - 1] = { ...samples[samples.length - 1]!, note, selected, rate };
    emit();
  };
  const serially = (task: () => Promise<void>) => {
    busy = busy.then(task).catch((error: unknown) => say(`failed: ${(error as Error).message.split('\n')[0]}`));
  };

  const sample = async () => {
    if (!run || !collector || phase !== 'running') return;
    const facts = await collector.collect();
    if (!run || phase !== 'running') return;
    const latencies = run.takeLatencies();
    const recovery = run.recovery();
    samples.push({ at: now(), startedAt, phase, style, topology: opts.topology.kind, rate: run.rate, load: run.counters(), ...latencies, ...facts, selected, note, ...(recovery ? { recovery } : {}) });
    // One more than the trend shows: its first second needs the sample before it for rates.
    if (samples.length > TREND_SECONDS + 1) samples = samples.slice(-(TREND_SECONDS + 1));
    emit();
  };
  const tick = async () => {
    const started = now();
    await sample().catch(() => undefined);
    if (!closing) timer = setTimeout(() => void tick(), Math.max(0, SAMPLE_MS - (now() - started)));
  };

  const start = async () => {
    phase = 'starting';
    startedAt = now();
    samples = [];
    say(`starting ${style} (${opts.topology.kind})…`);
    run = await startStyleRun({
      style, topology: opts.topology, rate, users: opts.users ?? DEFAULT_USERS, seed: opts.seed ?? 1,
      ...(opts.nats ? { nats: opts.nats } : {}),
      ...(opts.natsCluster ? { natsCluster: opts.natsCluster } : {}), ...(opts.streamReplicas ? { streamReplicas: opts.streamReplicas } : {}),
      ...(opts.store ? { store: opts.store } : {}),
      onLog: (line) => say(line.slice(0, 200)),
      onPhase: (p) => ((phase = p), say(`registering ${opts.users ?? DEFAULT_USERS} users…`)),
    });
    collector = systemCollector(run.system);
    phase = 'running';
    say(`${style} running`);
  };
  const stopRun = async () => {
    phase = 'stopping';
    emit();
    const [r, c] = [run, collector];
    run = undefined;
    collector = undefined;
    await c?.close();
    await r?.stop();
  };

  const supervised = (what: 'stop' | 'start') => {
    const supervisor = run?.system.supervisor;
    if (!supervisor) return say(`k and r need --topology processes`);
    const service = selected;
    serially(async () => {
      say(`${what === 'stop' ? 'stopping' : 'starting'} ${service}…`);
      if (what === 'stop') await supervisor.stop(service);
      else {
        await supervisor.startAgain(service);
        // Back and ready: from now until every order accepted so far is notified is its recovery.
        run?.watchRecovery(service);
      }
      say(`${service} ${what === 'stop' ? 'stopped' : 'started again'}`);
    });
  };

  const close = () => {
    closing ??= (async () => {
      clearTimeout(timer);
      await busy;
      await stopRun();
      resolveClosed();
    })();
    return closing;
  };

  serially(start);
  void tick();

  return {
    onFrame(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    apply(action) {
      if (closing) return;
      switch (action.type) {
        case 'style':
          if (action.style === style && phase !== 'stopping') return;
          style = action.style;
          serially(async () => {
            await stopRun();
            await start();
          });
          return say(`switching to ${action.style}…`);
        case 'rate':
          rate = Math.max(0.1, Math.round(rate * action.factor * 10) / 10);
          run?.setRate(rate);
          return say(`rate ${rate}/s`);
        case 'select':
          selected = SELECTABLE[(SELECTABLE.indexOf(selected as (typeof SELECTABLE)[number]) + 1) % SELECTABLE.length]!;
          return say(`selected ${selected}`);
        case 'stop-service':
          return supervised('stop');
        case 'restart-service':
          return supervised('start');
        case 'quit':
          say('stopping everything…');
          void close();
          return;
        default: {
          const never: never = action;
          throw new Error(`unknown action ${String(never)}`);
        }
      }
    },
    closed,
    close,
  };
}
