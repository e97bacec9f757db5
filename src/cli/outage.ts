import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { defaultReportDir } from '../report/index.ts';
import { COMPONENTS, type Component } from '../scenarios/faults.ts';
import { STYLES, type Style } from '../transports/wiring.ts';
import { asUsageError, EXIT_FAILED, UsageError } from './errors.ts';
import { checkFaultLoad, parseComponents, parseStyles } from './fault-flags.ts';
import { addLoadFlags, type LoadFlags } from './load-flags.ts';
import { parseDuration } from './options.ts';
import { stopEverythingOnSignal } from './signals.ts';
import { noColorFlag, terminalOf } from './terminal.ts';

interface OutageFlags extends LoadFlags {
  readonly styles: Style[];
  readonly services: Component[];
  readonly down: number;
}

export function registerOutage(cli: Command): void {
  addLoadFlags(
    cli
      .command('outage')
      .description('stop each component in turn under steady load, bring it back, and show per style what was accepted, completed and how long the backlog took')
      .addOption(new Option('--styles <list>', 'comma-separated styles').argParser(parseStyles).default([...STYLES], STYLES.join(',')))
      .addOption(
        new Option('--services <list>', 'components to stop in turn (nats: the broker of the event styles)').argParser(parseComponents).default([...COMPONENTS], COMPONENTS.join(',')),
      )
      .addOption(new Option('--down <time>', 'how long each component stays down, inside the measured window').argParser(parseDuration).default(5_000, '5s')),
    { topology: 'processes' },
  ).action(async (flags: OutageFlags, command: Command) => {
    checkFaultLoad('outage', flags);
    if (flags.replicas) throw new UsageError('outage stops a whole service; it runs one instance of each, so it cannot go with --replicas');
    if (flags.down <= 0) throw new UsageError('--down must be longer than zero');
    if (flags.down > flags.duration) throw new UsageError(`--down (${flags.down} ms) must fit in the measured window, --duration (${flags.duration} ms)`);
    const terminal = terminalOf(flags.json ? process.stderr : process.stdout, { noColor: noColorFlag(command) });
    const out = flags.json ? process.stderr : process.stdout;
    stopEverythingOnSignal();
    // Loaded here, not at the top: --help and bad flags answer without loading the system.
    const { runOutage } = await import('../measure/outage.ts');
    const { outageFailed, outageMarkdown, renderOutageMatrix } = await import('../report/outage.ts');
    const { writeAtomic } = await import('../report/files.ts');
    let result;
    try {
      result = await runOutage({
        styles: flags.styles,
        components: flags.services,
        downMs: flags.down,
        users: flags.users,
        rate: flags.rate,
        durationMs: flags.duration,
        warmupMs: flags.warmup,
        drainMs: flags.drain,
        maxInflight: flags.maxInflight,
        insufficient: flags.insufficient,
        seed: flags.seed,
        ...(flags.nats ? { nats: flags.nats } : {}),
        argv: process.argv.slice(2),
        onProgress: (line) => out.write(`${line}\n`),
      });
    } catch (error) {
      throw asUsageError(error);
    }
    const dir = flags.out ?? defaultReportDir(new Date());
    await mkdir(dir, { recursive: true });
    await writeAtomic(join(dir, 'summary.md'), outageMarkdown(result));
    await writeAtomic(join(dir, 'outage.json'), `${JSON.stringify(result, null, 2)}\n`);
    if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    out.write(`${renderOutageMatrix(result, terminal.width)}reports written to ${dir}\n`);
    // Failed orders during an outage are its measured cost, not an error; only broken invariants are.
    if (outageFailed(result)) {
      process.stderr.write('interplay: the system broke invariants after an outage (see summary.md)\n');
      process.exitCode = EXIT_FAILED;
    }
  });
}
