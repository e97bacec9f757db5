import { Option, type Command } from 'commander';
import type { Style } from '../model/style.ts';
import { asUsageError } from './errors.ts';
import { checkFaultLoad, emitFaultRun, faultLoadOptions, stylesOption } from './fault-flags.ts';
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
      .addOption(stylesOption())
      .addOption(new Option('--kills <n>', 'faults per style: SIGKILLed processes, in the event styles broker crashes, with a private PostgreSQL its restarts and ended connections').argParser(nonNegativeInt(10_000)).default(5))
      .addOption(
        new Option('--settle <time>', 'after the load: how long the system may take to finish every accepted order').argParser(parseDuration).default(90_000, '90s'),
      ),
    { topology: 'processes' },
  ).action(async (flags: ChaosFlags, command: Command) => {
    checkFaultLoad('chaos', flags, command);
    const out = flags.json ? process.stderr : process.stdout;
    stopEverythingOnSignal();
    // Loaded here, not at the top: --help and bad flags answer without loading the system.
    const { runChaos } = await import('../measure/faults/chaos.ts');
    const { renderChaos, chaosFailed } = await import('../report/chaos.ts');
    const replicas = { ...DEFAULT_REPLICAS, ...flags.replicas };
    let result;
    try {
      result = await runChaos({
        ...faultLoadOptions(flags, out),
        styles: flags.styles,
        kills: flags.kills,
        settleMs: flags.settle,
        replicas,
        keyed: KEYED,
        replays: REPLAYS,
      });
    } catch (error) {
      throw asUsageError(error);
    }
    await emitFaultRun(flags, {
      files: { 'chaos.json': `${JSON.stringify(result, null, 2)}\n` },
      result,
      text: renderChaos(result),
      ...(chaosFailed(result) ? { failure: 'the chaos run broke invariants (see the anomalies above)' } : {}),
    });
  });
}
