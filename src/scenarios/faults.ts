import { createRandom } from '../measure/random.ts';
import type { Style } from '../transports/index.ts';

/** What an outage can take down: a service (all its replicas) or the event styles' broker. */
export const COMPONENTS = ['auth', 'billing', 'order', 'notification', 'nats'] as const;
export type Component = (typeof COMPONENTS)[number];

/** The broker exists only in the event styles; an outage of it in the RESTful style is "n/a". */
export const appliesTo = (component: Component, style: Style): boolean => component !== 'nats' || style !== 'rest';

/** One fault of a chaos run: a process SIGKILLed (the supervisor restarts it), or the broker crashed and restarted. */
export type Fault =
  | { readonly type: 'kill'; /** ms after the load started */ readonly atMs: number; readonly service: string; readonly replica: number }
  | { readonly type: 'broker-restart'; /** ms after the load started */ readonly atMs: number };

export interface ChaosPlanOptions {
  readonly seed: number;
  readonly kills: number;
  /** ms of load the faults fall in */
  readonly durationMs: number;
  readonly style: Style;
  /** instances per service (auth runs once) */
  readonly replicas: Readonly<Partial<Record<'billing' | 'order' | 'notification', number>>>;
}

/**
 * Faults fall between 10 % and 90 % of the load: the first ones find the system at work, and the
 * last ones leave it time to come back before the load stops.
 */
const FIRST = 0.1;
const LAST = 0.9;

/**
 * Which process dies when, drawn from the seed: the same seed, style and replicas give the same
 * schedule, so a failing run can be replayed. In the event styles the broker is one target among
 * the processes; every replica is a target of its own.
 */
export function chaosSchedule(opts: ChaosPlanOptions): Fault[] {
  const rng = createRandom(opts.seed);
  const targets: ({ service: string; replica: number } | 'broker')[] = [{ service: 'auth', replica: 1 }];
  for (const service of ['billing', 'order', 'notification'] as const) {
    for (let replica = 1; replica <= (opts.replicas[service] ?? 1); replica++) targets.push({ service, replica });
  }
  if (opts.style !== 'rest') targets.push('broker');
  const span = (LAST - FIRST) * opts.durationMs;
  const faults: Fault[] = [];
  for (let i = 0; i < opts.kills; i++) {
    const atMs = Math.round(FIRST * opts.durationMs + rng.next() * span);
    const target = targets[rng.int(targets.length)]!;
    faults.push(target === 'broker' ? { type: 'broker-restart', atMs } : { type: 'kill', atMs, ...target });
  }
  return faults.sort((a, b) => a.atMs - b.atMs);
}

/** Where the outage sits in the measured window: the same steady time before and after it. */
export interface OutageWindow {
  /** ms after the load started when the component is stopped */
  readonly downAtMs: number;
  /** ms it stays down, before it is started again */
  readonly downMs: number;
}

/** The outage in the middle of the measured window (after the warm-up), so there is steady load on both sides. */
export function outageWindow(opts: { readonly warmupMs: number; readonly durationMs: number; readonly downMs: number }): OutageWindow {
  return { downAtMs: opts.warmupMs + Math.round((opts.durationMs - opts.downMs) / 2), downMs: opts.downMs };
}
