import { Command, CommanderError } from 'commander';
import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { EXIT_FAILED, EXIT_USAGE, UsageError } from './errors.ts';
import { registerService } from './service.ts';
import { registerLink } from './link.ts';
import { addLimitsFlags } from './limits-flags.ts';
import { addLinkFlags } from './link-flags.ts';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

type Register = (cli: Command) => void;

/**
 * Every command but `service`, in the order --help lists them. Imported only when asked for: a
 * service process (each child of the processes topology, each container) needs none of them, and
 * their measurement and report modules cost it tens of MiB and part of a second at start.
 */
async function otherCommands(): Promise<Register[]> {
  const [up, scenario, bench, dashboard, explain, calibrate, outage, chaos, report, flood, simulate, soak, growth, ceiling] = await Promise.all([
    import('./up.ts'), import('./scenario.ts'), import('./bench.ts'), import('./dashboard.ts'), import('./explain.ts'),
    import('./calibrate.ts'), import('./outage.ts'), import('./chaos.ts'), import('./report.ts'), import('./flood.ts'), import('./simulate.ts'),
    import('./soak.ts'), import('./growth.ts'), import('./ceiling.ts'),
  ]);
  return [
    up.registerUp, scenario.registerScenario, bench.registerBench, bench.registerCompare, dashboard.registerDashboard,
    explain.registerExplain, calibrate.registerCalibrate, outage.registerOutage, chaos.registerChaos, report.registerReport,
    flood.registerFlood, simulate.registerSimulate, soak.registerSoak, growth.registerGrowth, ceiling.registerCeiling,
  ];
}

/** The whole CLI, or with `serviceOnly` just `interplay service` (what a service process runs). */
export async function program(opts: { readonly serviceOnly?: boolean } = {}): Promise<Command> {
  const cli = new Command('interplay')
    .description('Runs one microservice system over three interaction styles and measures what each costs.')
    .version(version)
    // Global, so it goes before or after the command; NO_COLOR and FORCE_COLOR say the same for every run.
    .option('--no-color', 'no ANSI colour in tables (also NO_COLOR=1; FORCE_COLOR=1 forces colour)')
    // One prefix for every error, commander's own included.
    .configureOutput({ outputError: (text, write) => write(`interplay: ${text.replace(/^error: /, '')}`) })
    .exitOverride();
  for (const register of opts.serviceOnly ? [] : await otherCommands()) register(cli);
  registerService(cli);
  registerLink(cli);
  addLimitsFlags(cli);
  addLinkFlags(cli);
  cli.showHelpAfterError('(interplay --help lists the commands)');
  // Settings are copied when a command is created; each command's hint names its own --help.
  for (const command of cli.commands) {
    command.configureOutput(cli.configureOutput()).showHelpAfterError(`(interplay ${command.name()} --help lists its options)`);
  }
  return cli;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await (await program({ serviceOnly: argv[2] === 'service' || argv[2] === 'link' })).parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help asked for (--help, `help`) exits 0; help shown because no command was given is a usage error.
      if (error.code === 'commander.help') return error.exitCode === 0 ? 0 : EXIT_USAGE;
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`interplay: ${error.message}\n`);
      return EXIT_USAGE;
    }
    // A run that failed (a child system that died, a scrape that timed out): one line, exit 1.
    // INTERPLAY_DEBUG=1 shows the stack.
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    process.stderr.write(`interplay: ${message}\n`);
    if (process.env['INTERPLAY_DEBUG']) process.stderr.write(`${(error as Error).stack ?? ''}\n`);
    return EXIT_FAILED;
  }
}

// Started as the entry point (`node dist/cli/main.js service billing`, what an image may run
// without bin/interplay), the module is the CLI itself; imported by bin/interplay, it only exports.
const entry = (() => {
  try {
    return process.argv[1] ? pathToFileURL(realpathSync(process.argv[1])).href : undefined;
  } catch {
    return undefined;
  }
})();
if (entry === import.meta.url) process.exitCode = await main(process.argv);
