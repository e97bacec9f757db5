import { Option, type Command } from 'commander';
import type { BenchOptions } from '../measure/bench/bench.ts';
import { coresOption } from './calibrate.ts';
import { addStoreFlags, storeRequest, type StoreFlags } from './store-flags.ts';
import { natsChoice, natsClusterOption, streamReplicasOption, type NatsClusterSize } from './nats-flags.ts';
import { natsOption, parseDuration, parseFraction, parseHostPort, parseRate, parseUrl, positiveInt, replicasOption, topologyOption } from './options.ts';
import type { SystemTopology } from '../model/topology.ts';
import { parseTopology, type TopologyFlags } from './topology-flags.ts';

export interface LoadFlags extends StoreFlags, TopologyFlags {
  readonly users: number;
  readonly rate: number;
  readonly connections?: number;
  readonly arrivals: 'uniform' | 'poisson';
  readonly duration: number;
  readonly warmup: number;
  readonly drain: number;
  readonly maxInflight: number;
  readonly seed: number;
  readonly insufficient: number;
  readonly nats?: string;
  readonly natsCluster?: NatsClusterSize;
  readonly streamReplicas?: number;
  readonly out?: string;
  readonly json?: boolean;
  readonly findMax?: boolean;
  readonly slo: number;
  /** a saved `interplay calibrate --json`, to print each style's efficiency against the machine's ceiling */
  readonly calibration?: string;
  /** measure the machine's primitives before the load, for the same */
  readonly calibrate?: boolean;
  readonly cores?: number;
}

/** What a load is when no flag says otherwise; scripts that run loads of their own start from it too. */
export const LOAD_DEFAULTS = {
  users: 50,
  rate: 100,
  arrivals: 'uniform',
  durationMs: 20_000,
  warmupMs: 3_000,
  drainMs: 30_000,
  maxInflight: 1000,
  seed: 1,
  insufficient: 0.2,
} as const;

/**
 * The workload options one at a time, each a fresh commander Option with the defaults above: `bench`
 * and `compare` take them all, and a command with a load of its own (soak, growth) takes the ones
 * that apply, with `.default()` set again where its own default differs.
 */
export const loadOption = {
  users: () => new Option('--users <n>', 'users registered and funded before the load').argParser(positiveInt(100_000)).default(LOAD_DEFAULTS.users),
  rate: () => new Option('--rate <n>', 'open loop: orders per second on a fixed schedule').argParser(parseRate).default(LOAD_DEFAULTS.rate),
  duration: () => new Option('--duration <time>', 'measured window, e.g. 20s').argParser(parseDuration).default(LOAD_DEFAULTS.durationMs, '20s'),
  warmup: () => new Option('--warmup <time>', 'sent before the window and left out of the statistics').argParser(parseDuration).default(LOAD_DEFAULTS.warmupMs, '3s'),
  drain: () => new Option('--drain <time>', 'how long to wait after the window for accepted orders to finish').argParser(parseDuration).default(LOAD_DEFAULTS.drainMs, '30s'),
  maxInflight: () =>
    new Option('--max-inflight <n>', 'open loop: sends due beyond this many open requests are dropped and counted').argParser(positiveInt(100_000)).default(LOAD_DEFAULTS.maxInflight),
  seed: () => new Option('--seed <n>', 'seeds who orders what; the same sequence in every style').argParser(positiveInt(2 ** 31)).default(LOAD_DEFAULTS.seed),
  insufficient: () => new Option('--insufficient <fraction>', 'fraction of orders the user cannot afford').argParser(parseFraction).default(LOAD_DEFAULTS.insufficient),
};

/**
 * The options that follow --duration wherever a load is set from flags, as `bench` has them: --warmup,
 * --drain, --max-inflight, --seed, --insufficient and --nats.
 */
export function addWindowFlags(command: Command): Command {
  return command
    .addOption(loadOption.warmup())
    .addOption(loadOption.drain())
    .addOption(loadOption.maxInflight())
    .addOption(loadOption.seed())
    .addOption(loadOption.insufficient())
    .addOption(natsOption());
}

/** The load options `bench` and `compare` share (and `outage` and `chaos`, which need the processes topology by default). */
export function addLoadFlags(command: Command, defaults: { readonly topology?: SystemTopology['kind'] } = {}): Command {
  addStoreFlags(command)
    .addOption(loadOption.users())
    .addOption(loadOption.rate())
    .addOption(new Option('--connections <n>', 'closed loop instead: this many loops, each sending when its last order was answered').argParser(positiveInt(10_000)))
    .addOption(new Option('--arrivals <kind>', 'open-loop spacing of arrivals').choices(['uniform', 'poisson']).default(LOAD_DEFAULTS.arrivals))
    .addOption(loadOption.duration());
  return addWindowFlags(command)
    .addOption(natsClusterOption())
    .addOption(streamReplicasOption())
    .addOption(topologyOption(true, defaults.topology))
    .addOption(replicasOption())
    .option('--base-url <url>', 'with --topology external: the running system to load', parseUrl)
    .addOption(
      new Option(
        '--sink <host:port>',
        'with --topology external: serve the delivery sink here; start the system with --webhook http://HOST:PORT/deliveries so completions can be timed',
      ).argParser(parseHostPort),
    )
    .option('--docker-project <name>', "with --topology external: report each container's CPU and memory of this compose project (docker-compose -p NAME) from the Docker engine")
    .option('--out <dir>', 'where the reports go (default reports/<timestamp>): bench writes run.json and summary.md; compare <style>/run.json, compare.json and summary.md')
    .option('--json', 'print the result as JSON on stdout (progress goes to stderr)')
    .option('--find-max', 'ramp the open-loop rate from --rate up, ×1.5 a step, and report the highest rate held')
    .addOption(new Option('--slo <time>', 'with --find-max: the p99 completion latency a rate must stay under').argParser(parseDuration).default(100, '100ms'))
    .option('--calibration <file>', "a saved `interplay calibrate --json`: print each style's efficiency (rate held ÷ this machine's ceiling)")
    .option('--calibrate', "measure this machine's primitives first (about 15 s) and print each style's efficiency")
    .addOption(coresOption());
}

export function benchOptions(flags: LoadFlags, argv: readonly string[]): Omit<BenchOptions, 'style'> {
  return {
    topology: parseTopology(flags),
    mode: flags.connections === undefined ? 'open' : 'closed',
    ...workloadOf(flags),
    connections: flags.connections,
    arrivals: flags.arrivals,
    store: storeRequest(flags),
    ...natsChoice(flags),
    argv,
  };
}

/** The workload flags as a load's options, times in ms; outage.json and chaos.json keep this order. */
export function workloadOf(flags: Pick<LoadFlags, 'users' | 'rate' | 'duration' | 'warmup' | 'drain' | 'maxInflight' | 'insufficient' | 'seed'>) {
  return {
    users: flags.users,
    rate: flags.rate,
    durationMs: flags.duration,
    warmupMs: flags.warmup,
    drainMs: flags.drain,
    maxInflight: flags.maxInflight,
    insufficient: flags.insufficient,
    seed: flags.seed,
  };
}
