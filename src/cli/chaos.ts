import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { defaultReportDir } from '../report/index.ts';
import { STYLES, type Style } from '../transports/wiring.ts';
import { asUsageError, EXIT_FAILED } from './errors.ts';
import { checkFaultLoad, parseStyles } from './fault-flags.ts';
import { addLoadFlags, type LoadFlags } from './load-flags.ts';
import { nonNegativeInt, parseDuration } from './options.ts';
import { stopEverythingOnSignal } from './signals.ts';

interface ChaosFlags extends LoadFlags {
  readonly styles: Style[];
  readonly kills: number;
  readonly settle: number;
}

/** replicas when --replicas is not given: two of each, so a replica dies while its sibling serves */
const DEFAULT_REPLICAS = { billing: 2, order: 2, notification: 2 } as const;
/** fraction of orders sent with an Idempotency-Key, and of requests that replay one */
const KEYED = 0.3;
const REPLAYS = 0.1;

export function registerChaos(cli: Command): void {
  addLoadFlags(
    cli
      .command('chaos')
      .description('kill services, replicas and the broker at seeded random times under load, then check every invariant (exit 1 on an anomaly)')
      .addOption(new Option('--styles <list>', 'comma-separated styles').argParser(parseStyles).default([...STYLES], STYLES.join(',')))
      .addOption(new Option('--kills <n>', 'faults per style: SIGKILLed processes and, in the event styles, broker crashes').argParser(nonNegativeInt(10_000)).default(5))
      .addOption(
        new Option('--settle <time>', 'after the load: how long the system may take to finish every accepted order').argParser(parseDuration).default(90_000, '90s'),
      ),
    { topology: 'processes' },
  ).action(async (flags: ChaosFlags) => {
    checkFaultLoad('chaos', flags);
    const out = flags.json ? process.stderr : process.stdout;
    stopEverythingOnSignal();
    // Loaded here, not at the top: --help and bad flags answer without loading the system.
    const { runChaos } = await import('../measure/chaos.ts');
    const { renderChaos, chaosFailed } = await import('../report/chaos.ts');
    const { writeAtomic } = await import('../report/files.ts');
    const replicas = { ...DEFAULT_REPLICAS, ...flags.replicas };
    let result;
    try {
      result = await runChaos({
        styles: flags.styles,
        seed: flags.seed,
        kills: flags.kills,
        users: flags.users,
        rate: flags.rate,
        durationMs: flags.duration,
        warmupMs: flags.warmup,
        drainMs: flags.drain,
        settleMs: flags.settle,
        maxInflight: flags.maxInflight,
        insufficient: flags.insufficient,
        replicas,
        keyed: KEYED,
        replays: REPLAYS,
        ...(flags.nats ? { nats: flags.nats } : {}),
        argv: process.argv.slice(2),
        onProgress: (line) => out.write(`${line}\n`),
      });
    } catch (error) {
      throw asUsageError(error);
    }
    const dir = flags.out ?? defaultReportDir(new Date());
    await mkdir(dir, { recursive: true });
    const file = await writeAtomic(join(dir, 'chaos.json'), `${JSON.stringify(result, null, 2)}\n`);
    if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    out.write(`${renderChaos(result)}written to ${file}\n`);
    if (chaosFailed(result)) {
      process.stderr.write('interplay: the chaos run broke invariants (see the anomalies above)\n');
      process.exitCode = EXIT_FAILED;
    }
  });
}
