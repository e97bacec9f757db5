import { createRandom } from '../model/random.ts';
import { BROKER_ENDPOINT, NO_DELAY, profileOf, type LinkProfile } from '../runtime/links/profile.ts';
import { exponential, serviceSampler, Simulator, Station } from './des.ts';
import { BROKER, FLOWS, GATEWAY, type Step } from './flows.ts';
import { summary, type ModelInput, type ModelResult } from './model-io.ts';

/** ms the model runs on after the last arrival for the orders in flight to finish, at least */
const DRAIN_MIN_MS = 10_000;

/** Runs one style's order flow through the stations. Pure and seeded: the same input gives the same result. */
export function simulate(input: ModelInput): ModelResult {
  const flow = FLOWS[input.style];
  const sim = new Simulator();
  const random = createRandom(input.seed ?? 1);
  const sample = serviceSampler(random, input.serviceCv ?? 1);
  const stations = new Map<string, Station>();
  const machine = input.machineCores ? new Station('machine', sim, input.machineCores) : undefined;
  const station = (name: string): Station => {
    let s = stations.get(name);
    if (!s) {
      s = machine ?? new Station(name, sim, Math.max(1, input.servers[name] ?? 1));
      stations.set(name, s);
    }
    return s;
  };
  const meanOf = (name: string) => input.serviceMs[name] ?? 0;

  const profiles = new Map<string, LinkProfile>();
  const linkOf = (from: string, to: string): LinkProfile => {
    const key = `${from}>${to}`;
    let p = profiles.get(key);
    if (!p) {
      p = !input.links || from === GATEWAY || to === GATEWAY ? DIRECT : profileOf(input.links, endpoint(from), endpoint(to));
      profiles.set(key, p);
    }
    return p;
  };
  const endpoint = (name: string) => (name === BROKER ? BROKER_ENDPOINT : name);
  const linkCpuMs = machine ? (input.linkCpuMs ?? 0) : 0;
  const cross = (link: LinkProfile, then: () => void): void => {
    const carry = () => {
      const { latencyMs, jitterMs, stall } = link;
      let delay = jitterMs > 0 ? Math.max(0, latencyMs + (random.next() * 2 - 1) * jitterMs) : latencyMs;
      if (stall && random.next() < stall.p) delay += stall.ms;
      if (delay > 0) sim.after(delay, then);
      else then();
    };
    // A relay reads the bytes on the machine's cores before it holds them for the delay.
    if (machine && linkCpuMs > 0 && link !== DIRECT) machine.submit(sample(linkCpuMs), carry);
    else carry();
  };

  const warmup = input.warmupOrders ?? Math.max(100, Math.floor(input.orders / 10));
  const total = warmup + input.orders;
  const acceptMs = new Float64Array(input.orders).fill(Number.POSITIVE_INFINITY);
  const completionMs = new Float64Array(input.orders).fill(Number.POSITIVE_INFINITY);
  let accepted = 0;
  let completedInWindow = 0;
  let failed = 0;
  let syncCalls = 0;
  let windowStart = Number.POSITIVE_INFINITY;
  let windowEnd = Number.POSITIVE_INFINITY;
  let inSystem = 0;
  let peakBacklog = 0;
  let beforeReturn = 0;
  let recoveredAt: number | null = null;
  const down = input.down;

  interface Order {
    readonly index: number;
    readonly arrivedAt: number;
    acceptedAt: number;
    done: boolean;
  }

  const finish = (order: Order) => {
    if (order.done) return;
    order.done = true;
    inSystem--;
    if (down && order.arrivedAt < down.toMs && --beforeReturn === 0 && sim.now >= down.toMs) recoveredAt = sim.now;
  };

  // The flow with its stations, means and links looked up once, not per order.
  type Node =
    | { readonly kind: 'accept' }
    | { readonly kind: 'complete' }
    | {
        readonly kind: 'call';
        readonly counted: boolean;
        readonly there: LinkProfile;
        readonly back: LinkProfile;
        readonly to: Station;
        readonly mean: number;
        readonly then: readonly Node[];
      }
    | {
        readonly kind: 'publish';
        readonly toBroker: LinkProfile;
        readonly broker: Station;
        readonly brokerMean: number;
        readonly fromBroker: LinkProfile;
        readonly consumer: Station;
        readonly mean: number;
        readonly then: readonly Node[];
      };
  const compile = (at: string, steps: readonly Step[]): Node[] =>
    steps.map((step): Node => {
      if (step.do === 'call') {
        const { to } = step;
        return { kind: 'call', counted: at !== GATEWAY, there: linkOf(at, to), back: linkOf(to, at), to: station(to), mean: meanOf(to), then: compile(to, step.then) };
      }
      if (step.do === 'publish') {
        const { consumer } = step;
        return {
          kind: 'publish',
          toBroker: linkOf(at, BROKER),
          broker: station(BROKER),
          brokerMean: meanOf(BROKER),
          fromBroker: linkOf(BROKER, consumer),
          consumer: station(consumer),
          mean: meanOf(consumer),
          then: compile(consumer, step.then),
        };
      }
      return step.do === 'accept' ? { kind: 'accept' } : { kind: 'complete' };
    });

  const run = (order: Order, nodes: readonly Node[], i: number, k: () => void): void => {
    for (; i < nodes.length; i++) {
      const node = nodes[i]!;
      if (node.kind === 'accept') {
        order.acceptedAt = sim.now;
        const m = order.index - warmup;
        if (m >= 0) {
          acceptMs[m] = sim.now - order.arrivedAt;
          accepted++;
        }
      } else if (node.kind === 'complete') {
        const m = order.index - warmup;
        if (m >= 0) completionMs[m] = sim.now - order.arrivedAt;
        if (sim.now >= windowStart && sim.now <= windowEnd) completedInWindow++;
        finish(order);
      } else if (node.kind === 'publish') {
        cross(node.toBroker, () =>
          node.broker.submit(sample(node.brokerMean), () => cross(node.fromBroker, () => handle(order, node.consumer, node.mean, node.then, noop))),
        );
      } else {
        if (node.counted) syncCalls++;
        // A call that the answer waits for fails at once when its service is down (503); after
        // the answer, a consumer's call waits for it, as the broker's redelivery does.
        if (!node.to.isUp && Number.isNaN(order.acceptedAt)) {
          if (order.index >= warmup) failed++;
          finish(order);
          return;
        }
        const rest = i + 1;
        cross(node.there, () => handle(order, node.to, node.mean, node.then, () => cross(node.back, () => run(order, nodes, rest, k))));
        return;
      }
    }
    k();
  };
  const handle = (order: Order, at: Station, mean: number, nodes: readonly Node[], k: () => void): void => {
    at.submit(sample(mean), () => run(order, nodes, 0, k));
  };

  // Poisson arrivals: one event schedules the next, so the heap holds one arrival at a time.
  const meanGapMs = 1000 / input.rate;
  let arrivals = 0;
  const arrive = () => {
    const index = arrivals++;
    if (index === warmup) {
      windowStart = sim.now;
      for (const s of stations.values()) s.resetCounters();
    }
    const order: Order = { index, arrivedAt: sim.now, acceptedAt: Number.NaN, done: false };
    inSystem++;
    if (down && sim.now < down.toMs) beforeReturn++;
    if (inSystem > peakBacklog && down && sim.now >= down.fromMs) peakBacklog = inSystem;
    handle(order, entry, entryMean, root, noop);
    if (arrivals < total) {
      sim.after(exponential(random, meanGapMs), arrive);
      return;
    }
    // The last arrival ends the window: utilisation is read now, and the run drains what is in flight within a horizon.
    windowEnd = sim.now;
    const span = windowEnd - windowStart;
    for (const s of stations.values()) utilisation[s.name] = span > 0 ? s.busyMs / (s.servers * span) : 0;
    const horizon = Math.max(windowEnd + Math.max(DRAIN_MIN_MS, span * 2), down ? down.toMs + DRAIN_MIN_MS : 0);
    sim.at(horizon, () => sim.stop());
  };
  const utilisation: Record<string, number> = {};
  for (const name of [flow.entry, 'auth', 'billing', 'order', 'notification', ...(input.style === 'rest' ? [] : [BROKER])]) station(name);
  const entry = station(flow.entry);
  const entryMean = meanOf(flow.entry);
  const root = compile(flow.entry, flow.steps);
  if (down) {
    sim.at(down.fromMs, () => station(down.station).setUp(false));
    sim.at(down.toMs, () => {
      station(down.station).setUp(true);
      if (beforeReturn === 0) recoveredAt = sim.now;
    });
  }
  sim.at(0, arrive);
  sim.run();
  const span = (windowEnd - windowStart) / 1000;
  let pending = 0;
  for (let m = 0; m < input.orders; m++) if (Number.isFinite(acceptMs[m]!) && !Number.isFinite(completionMs[m]!)) pending++;
  return {
    style: input.style,
    rate: input.rate,
    orders: input.orders,
    throughput: { offered: span > 0 ? input.orders / span : 0, accepted: span > 0 ? accepted / span : 0, completed: span > 0 ? completedInWindow / span : 0 },
    accept: summary(acceptMs),
    completion: summary(completionMs),
    failed,
    pending,
    utilisation,
    servers: Object.fromEntries([...stations.values()].map((s) => [s.name, s.servers])),
    readLoad: (syncCalls / total) * input.rate,
    ...(down ? { outage: { station: down.station, peakBacklog, recoveryMs: recoveredAt === null ? null : recoveredAt - down.toMs } } : {}),
    events: sim.events,
  };
}

const noop = (): void => {};

/** A hop with no link: the gateway's calls, or a system without links. Compared by identity. */
const DIRECT: LinkProfile = { ...NO_DELAY };
