import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunReport } from '../model/schema.ts';
import { LINKS_ENV, linksToEnv } from '../runtime/links/profile.ts';
import type { Style } from '../model/style.ts';
import { PROCESSES } from '../model/topology.ts';
import { asUsageError } from './errors.ts';
import { stopEverythingOnSignal } from './signals.ts';
import type { ValidationRow } from '../simulate/validation.ts';

export interface ValidateOptions {
  readonly styles: readonly Style[];
  readonly rates: readonly number[];
  /** ms one way; 0 runs without links */
  readonly latencies: readonly number[];
  readonly durationMs: number;
  readonly seed: number;
  readonly serviceCv: number;
  readonly out?: string;
}

/**
 * `simulate --validate`: per style, the real system in the processes topology at each rate and link
 * latency (bench's own collection, open loop, Poisson arrivals, one replica per service); the model
 * calibrated on the style's first run (lowest rate, first latency), the links' CPU on its first run with
 * links, then asked for every point, with every station and link sharing this machine's cores as the
 * processes did.
 */
export async function validateModel(opts: ValidateOptions): Promise<ValidationRow[]> {
  stopEverythingOnSignal();
  const { collectRun } = await import('../measure/bench/bench.ts');
  const { aggregate } = await import('../measure/bench/aggregate.ts');
  const { costsOfRun, linkCpuMsOfRun } = await import('../simulate/costs.ts');
  const { simulate } = await import('../simulate/simulate.ts');
  const rows: ValidationRow[] = [];
  const runs: RunReport[] = [];
  for (const style of opts.styles) {
    let costs: ReturnType<typeof costsOfRun> | undefined;
    /** the links' CPU per crossing, from the style's first run with links (its CPU shared the machine's cores) */
    let linkCpuMs: number | undefined;
    for (const latencyMs of opts.latencies) {
      for (const rate of opts.rates) {
        if (latencyMs > 0) process.env[LINKS_ENV] = linksToEnv({ profile: { latencyMs, jitterMs: 0 }, pairs: [] });
        else delete process.env[LINKS_ENV];
        process.stderr.write(`${style}: ${rate}/s, links ${latencyMs} ms: measuring\n`);
        const run = await collectRun({
          style,
          topology: PROCESSES,
          mode: 'open',
          rate,
          arrivals: 'poisson',
          users: 20,
          seed: opts.seed,
          insufficient: 0.2,
          durationMs: opts.durationMs,
          warmupMs: 3_000,
          drainMs: 30_000,
          maxInflight: 1_000,
          argv: process.argv.slice(2),
        })
          .then(aggregate)
          .catch((error: unknown) => {
            throw asUsageError(error);
          });
        runs.push(run);
        costs ??= costsOfRun(run, 'the first validation run');
        linkCpuMs ??= linkCpuMsOfRun(run);
        const predicted = simulate({
          style,
          // What the run offered, not the nominal rate: one seed's Poisson arrivals in a short window differ
          // from it (55 instead of 60 in 3 s at 20/s), and that difference is no error of the model's.
          rate: run.throughput.offered > 0 ? run.throughput.offered : rate,
          orders: Math.max(20_000, Math.round(rate * 60)),
          servers: {},
          serviceMs: costs.serviceMs,
          serviceCv: opts.serviceCv,
          seed: opts.seed,
          // The system ran on this machine: its processes shared its cores.
          machineCores: run.environment.cpuCount,
          ...(latencyMs > 0 ? { links: { profile: { latencyMs, jitterMs: 0 }, pairs: [] }, ...(linkCpuMs ? { linkCpuMs } : {}) } : {}),
        });
        rows.push({
          style,
          rate,
          latencyMs,
          measured: { held: Math.min(run.throughput.completed, run.throughput.offered), p50: run.latency.completion.p50, p99: run.latency.completion.p99 },
          predicted: { held: Math.min(predicted.throughput.completed, predicted.throughput.offered), p50: predicted.completion.p50, p99: predicted.completion.p99 },
        });
      }
    }
  }
  delete process.env[LINKS_ENV];
  const { renderValidation } = await import('../report/simulate-validation.ts');
  const text = renderValidation(rows);
  process.stdout.write(`${text}\n`);
  if (opts.out) {
    await mkdir(opts.out, { recursive: true });
    const { writeAtomic } = await import('../report/files.ts');
    await writeAtomic(join(opts.out, 'validation.json'), `${JSON.stringify({ schema: 'interplay/simulate-validation@1', argv: process.argv.slice(2), rows, runs }, null, 2)}\n`);
    await writeAtomic(join(opts.out, 'validation.md'), `${renderValidation(rows, true)}\n`);
    process.stderr.write(`written to ${opts.out}\n`);
  }
  return rows;
}
