import { Command, InvalidArgumentError, Option } from 'commander';
import { readFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { STYLES, type Style } from '../model/style.ts';
import { UsageError } from './errors.ts';
import { linkOptions, linksConfigs, type LinkFlags } from './link-flags.ts';
import { parseDuration, parseRate, positiveInt, stylesOf } from './options.ts';

/** the model's stations, as --replicas and --down name them */
const STATIONS = ['gateway', 'auth', 'billing', 'order', 'notification', 'nats'] as const;

interface SimulateFlags extends LinkFlags {
  readonly style: string;
  readonly rate: number;
  readonly orders: number;
  readonly replicas?: Record<string, number> | 'auto';
  readonly cores: number;
  readonly brokerCores: number;
  readonly machineCores?: number;
  readonly down?: { station: string; fromMs: number; toMs: number };
  readonly slo?: string;
  readonly seed: number;
  readonly serviceCv: number;
  readonly from?: string;
  readonly out?: string;
  readonly validate?: boolean;
  readonly rates?: number[];
  readonly validateLatencies?: number[];
  readonly duration: number;
}

function parseStationCounts(value: string): Record<string, number> | 'auto' {
  if (value === 'auto') return 'auto';
  const out: Record<string, number> = {};
  for (const part of value.split(',')) {
    const match = /^\s*([a-z]+)\s*=\s*(\d+)\s*$/.exec(part);
    if (!match || !(STATIONS as readonly string[]).includes(match[1]!) || Number(match[2]) < 1) {
      throw new InvalidArgumentError(`must be auto, or STATION=N pairs such as order=4,billing=2 (stations: ${STATIONS.join(', ')}).`);
    }
    out[match[1]!] = Number(match[2]);
  }
  return out;
}

function parseDown(value: string): SimulateFlags['down'] {
  const match = /^\s*([a-z]+)\s*:\s*(\S+?)\s*-\s*(\S+)\s*$/.exec(value);
  const shape = `must be STATION:FROM-TO, e.g. notification:10s-20s (stations: ${STATIONS.join(', ')}).`;
  if (!match || !(STATIONS as readonly string[]).includes(match[1]!)) throw new InvalidArgumentError(shape);
  const fromMs = parseDuration(match[2]!);
  const toMs = parseDuration(match[3]!);
  if (toMs <= fromMs) throw new InvalidArgumentError(`${shape} FROM must come before TO.`);
  return { station: match[1]!, fromMs, toMs };
}

const list = <T>(parse: (v: string) => T) => (value: string): T[] => value.split(',').map((v) => parse(v.trim()));

export function registerSimulate(cli: Command): void {
  const command = cli
    .command('simulate')
    .description("predict a style's throughput, latency and replicas beyond this machine with a discrete-event model calibrated on measured runs")
    .addOption(new Option('--style <style>', 'interaction style, or all three').choices([...STYLES, 'all']).default('all'))
    .addOption(new Option('--rate <n>', 'orders per second, Poisson arrivals').argParser(parseRate).default(100))
    .addOption(new Option('--orders <n>', 'orders measured (after a warm-up of a tenth of them)').argParser(positiveInt(10_000_000)).default(100_000))
    .addOption(
      new Option('--replicas <list>', "replicas per station, e.g. order=4,billing=2,nats=1 (default 1 each), or auto: the fewest that keep --slo at --rate").argParser(
        parseStationCounts,
      ),
    )
    .addOption(new Option('--cores <n>', 'cores per replica: a Node service uses one').argParser(positiveInt(256)).default(1))
    .addOption(new Option('--broker-cores <n>', "the broker's cores per replica").argParser(positiveInt(256)).default(1))
    .addOption(new Option('--machine-cores <n>', 'all stations on one machine of N cores, sharing them (replicas and cores are then ignored)').argParser(positiveInt(1024)))
    .addOption(new Option('--down <station:from-to>', 'take a station down for an interval, e.g. notification:10s-20s').argParser(parseDown))
    .option('--slo <expr>', "what a held rate keeps, e.g. 'completion.p99<250ms': prints the highest rate held (or, with --replicas auto, sizes for it)")
    .addOption(new Option('--seed <n>', 'the same seed gives the same result').argParser(positiveInt(2 ** 31)).default(1))
    .addOption(
      new Option('--service-cv <x>', "variation of a handling's CPU time (standard deviation ÷ mean): 1 exponential, 0 constant")
        .argParser((v: string) => {
          const n = Number(v);
          if (!/^\d+(\.\d+)?$/.test(v) || n > 5) throw new InvalidArgumentError('must be a number from 0 to 5.');
          return n;
        })
        .default(1),
    )
    .option('--from <file>', "a processes-topology bench run.json or compare.json whose CPU per order per process calibrates the model (default: built-in figures)")
    .option('--out <dir>', 'write simulate.json (and, with --replicas auto, sizing.html and sizing.md) here')
    .option('--validate', 'run the real system (processes topology) at --rates with --validate-latencies per style, and print predicted against measured')
    .addOption(new Option('--rates <list>', 'with --validate: the rates to measure, e.g. 20,40,60').argParser(list(parseRate)).default([20, 40, 60], '20,40,60'))
    .addOption(
      new Option('--validate-latencies <list>', 'with --validate: link latencies, e.g. 0,5ms').argParser((v: string) => v.split(',').map((p) => parseDuration(p.trim() === '0' ? '0ms' : p.trim()))).default([0, 5], '0,5ms'),
    )
    .addOption(new Option('--duration <time>', 'with --validate: measured window per run').argParser(parseDuration).default(10_000, '10s'));
  for (const option of linkOptions()) command.addOption(option);
  command.action(async (flags: SimulateFlags) => {
    const configs = linksConfigs(flags);
    if (configs.length > 1) throw new UsageError('simulate takes one --link-latency; run it once per latency');
    const { parseSlo } = await import('../simulate/sizing.ts');
    const slo = flags.slo === undefined ? undefined : parseSlo(flags.slo);
    if (flags.slo !== undefined && !slo) throw new UsageError(`--slo: ${flags.slo}: must be accept|completion.p50|p99<DURATION, e.g. 'completion.p99<250ms'`);
    if (flags.replicas === 'auto' && !slo) throw new UsageError('--replicas auto sizes for an SLO: give --slo, e.g. --slo completion.p99<250ms');
    if (flags.machineCores && (flags.replicas || flags.down)) {
      throw new UsageError('--machine-cores makes all stations one; it cannot go with --replicas or --down, which name one');
    }
    const styles = stylesOf(flags.style);
    if (flags.validate) {
      const { validateModel } = await import('./simulate-validate.ts');
      await validateModel({ styles, rates: flags.rates ?? [20, 40, 60], latencies: flags.validateLatencies ?? [0, 5], durationMs: flags.duration, seed: flags.seed, serviceCv: flags.serviceCv, out: flags.out });
      return;
    }
    const costs = await costsFor(styles, flags.from);
    const { simulate } = await import('../simulate/simulate.ts');
    const { heldRate, sizeReplicas, describeSlo } = await import('../simulate/sizing.ts');
    const { renderModelResult, renderSizingHtml, renderSizingMarkdown, renderSizingTable } = await import('../report/simulate.ts');
    const links = configs[0];
    const cores: Record<string, number> = Object.fromEntries(STATIONS.map((s) => [s, s === 'nats' ? flags.brokerCores : flags.cores]));
    const saved: unknown[] = [];
    const sizing: import('../report/simulate.ts').SizingRow[] = [];
    for (const style of styles) {
      const { serviceMs, source } = costs[style];
      const base = { style, serviceMs, serviceCv: flags.serviceCv, seed: flags.seed, ...(flags.machineCores ? { machineCores: flags.machineCores } : {}), ...(links ? { links } : {}), ...(flags.down ? { down: flags.down } : {}) };
      const started = performance.now();
      if (flags.replicas === 'auto') {
        // One sizing per rate up to the asked one, for the chart of cores and p99 against rate.
        const ladder = [...new Set([flags.rate / 100, flags.rate / 10, flags.rate].filter((r) => r >= 1).map((r) => Math.round(r)))];
        for (const rate of ladder) {
          const sized = sizeReplicas({ ...base, rate }, slo!, cores);
          const total = Object.entries(sized.replicas).reduce((n, [s, r]) => n + r * (cores[s] ?? 1), 0);
          sizing.push({ style, rate, replicas: sized.replicas, cores: total, p99: sized.result.completion.p99, readLoad: sized.result.readLoad, held: sized.held });
          if (rate === Math.round(flags.rate)) {
            const answer = sized.held
              ? `replicas to keep ${describeSlo(slo!)}: ${Object.entries(sized.replicas).map(([s, n]) => `${s} ${n}`).join(', ')} (${total} cores)`
              : `no number of replicas keeps ${describeSlo(slo!)}: with every station at most 30 % busy (shown) the links and service times alone give that`;
            process.stdout.write(`${renderModelResult(sized.result, [answer, `service times: ${source}`])}\n\n`);
            saved.push({ style, sizing: sized, source });
          }
        }
        continue;
      }
      const servers = Object.fromEntries(STATIONS.map((s) => [s, (flags.replicas !== undefined && flags.replicas !== 'auto' ? (flags.replicas[s] ?? 1) : 1) * (cores[s] ?? 1)]));
      const result = simulate({ ...base, rate: flags.rate, orders: flags.orders, servers });
      const seconds = (performance.now() - started) / 1000;
      const extra = [`service times: ${source}`, `simulated ${result.events.toLocaleString('en')} events in ${seconds.toFixed(2)} s`];
      let held: ReturnType<typeof heldRate> | undefined;
      if (slo) {
        held = heldRate({ ...base, servers }, slo);
        extra.push(held ? `held rate at ${describeSlo(slo)}: ${held.rate.toFixed(0)}/s` : `no rate keeps ${describeSlo(slo)}`);
      }
      process.stdout.write(`${renderModelResult(result, extra)}\n\n`);
      saved.push({ style, result, source, ...(held !== undefined ? { heldRate: held?.rate ?? null } : {}) });
    }
    if (sizing.length > 0) process.stdout.write(`${renderSizingTable(sizing)}\n`);
    if (flags.out) {
      await mkdir(flags.out, { recursive: true });
      const { writeAtomic } = await import('../report/files.ts');
      await writeAtomic(join(flags.out, 'simulate.json'), `${JSON.stringify({ schema: 'interplay/simulate@1', argv: process.argv.slice(2), results: saved }, null, 2)}\n`);
      if (sizing.length > 0) {
        await writeAtomic(join(flags.out, 'sizing.md'), renderSizingMarkdown(sizing));
        await writeAtomic(join(flags.out, 'sizing.html'), await renderSizingHtml(sizing, `${describeSlo(slo!)}${links ? `, links ${links.profile.latencyMs} ms` : ''}`));
      }
      process.stderr.write(`written to ${flags.out}\n`);
    }
  });
}

/** Each style's costs: from a saved run or comparison when given, else the built-in figures. */
async function costsFor(styles: readonly Style[], file: string | undefined) {
  const { builtInCosts, costsOfRun } = await import('../simulate/costs.ts');
  const out = {} as Record<Style, import('../simulate/costs.ts').StyleCosts>;
  if (!file) {
    for (const style of styles) out[style] = builtInCosts(style);
    return out;
  }
  let saved: { runs?: unknown[]; style?: string };
  try {
    saved = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--from ${file}: ${(error as Error).message}`);
  }
  const runs = (saved.runs ?? [saved]) as import('../model/schema.ts').RunReport[];
  for (const style of styles) {
    const run = runs.find((r) => r.style === style);
    if (!run) throw new UsageError(`--from ${file} has no ${style} run; pick --style from ${runs.map((r) => r.style).join(', ')}`);
    try {
      out[style] = costsOfRun(run, file);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  return out;
}
