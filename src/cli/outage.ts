import { Option, type Command } from 'commander';
import { CLUSTER_COMPONENTS, COMPONENTS, POSTGRES_COMPONENTS, type Component } from '../scenarios/faults.ts';
import type { Style } from '../model/style.ts';
import { asUsageError, UsageError } from './errors.ts';
import { checkFaultLoad, emitFaultRun, faultLoadOptions, parseComponents, stylesOption } from './fault-flags.ts';
import { addLoadFlags, type LoadFlags } from './load-flags.ts';
import { parseDuration } from './options.ts';
import { stopEverythingOnSignal } from './signals.ts';
import { noColorFlag, terminalOf } from './terminal.ts';

interface OutageFlags extends LoadFlags {
  readonly styles: Style[];
  readonly services: Component[];
  readonly down: number;
  readonly html?: boolean;
}

export function registerOutage(cli: Command): void {
  addLoadFlags(
    cli
      .command('outage')
      .description('stop each component in turn under steady load, bring it back, and show per style what was accepted, completed and how long the backlog took')
      .addOption(stylesOption())
      .addOption(
        new Option('--services <list>', 'components to stop in turn (nats: the broker of the event styles; with --nats-cluster 3 or 5 also nats-node and nats-2-nodes; with --store postgres also postgres and postgres-connections)').argParser(parseComponents).default([...COMPONENTS], COMPONENTS.join(',')),
      )
      .addOption(new Option('--down <time>', 'how long each component stays down, inside the measured window').argParser(parseDuration).default(5_000, '5s'))
      .option('--html', 'also write report.html: the matrix as one offline page'),
    { topology: 'processes' },
  ).action(async (flags: OutageFlags, command: Command) => {
    checkFaultLoad('outage', flags, command);
    if (flags.replicas) throw new UsageError('outage stops a whole service; it runs one instance of each, so it cannot go with --replicas');
    if (flags.down <= 0) throw new UsageError('--down must be longer than zero');
    if (flags.down > flags.duration) throw new UsageError(`--down (${flags.down} ms) must fit in the measured window, --duration (${flags.duration} ms)`);
    const terminal = terminalOf(flags.json ? process.stderr : process.stdout, { noColor: noColorFlag(command) });
    const out = flags.json ? process.stderr : process.stdout;
    stopEverythingOnSignal();
    // Loaded here, not at the top: --help and bad flags answer without loading the system.
    const { runOutage } = await import('../measure/faults/outage.ts');
    const { outageFailed, outageMarkdown, renderOutageMatrix } = await import('../report/outage.ts');
    const { renderOutageHtml } = await import('../report/coupling-html.ts');
    let result;
    try {
      result = await runOutage({
        styles: flags.styles,
        components: withClusterComponents(flags, command),
        downMs: flags.down,
        ...faultLoadOptions(flags, out),
      });
    } catch (error) {
      throw asUsageError(error);
    }
    // Failed orders during an outage are its measured cost, not an error; only broken invariants are.
    await emitFaultRun(flags, {
      files: {
        'summary.md': outageMarkdown(result),
        ...(flags.html ? { 'report.html': renderOutageHtml(result) } : {}),
        'outage.json': `${JSON.stringify(result, null, 2)}\n`,
      },
      result,
      text: renderOutageMatrix(result, terminal.width),
      ...(outageFailed(result) ? { failure: 'the system broke invariants after an outage (see summary.md)' } : {}),
    });
  });
}

/**
 * The default list gains the single-node faults when the run starts a private cluster to lose nodes
 * of, and the database faults on --store postgres (n/a, with the reason, for a server given by URL).
 */
function withClusterComponents(flags: OutageFlags, command: Command): Component[] {
  if (command.getOptionValueSource('services') !== 'default') return flags.services;
  return [
    ...flags.services,
    ...(!flags.nats && (flags.natsCluster ?? 1) >= 3 ? CLUSTER_COMPONENTS : []),
    ...(flags.store === 'postgres' ? POSTGRES_COMPONENTS : []),
  ];
}
