import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { EXIT_FAILED, EXIT_USAGE, UsageError } from './errors.ts';
import { registerBench, registerCompare } from './bench.ts';
import { registerDashboard } from './dashboard.ts';
import { registerExplain } from './explain.ts';
import { registerCalibrate } from './calibrate.ts';
import { registerChaos } from './chaos.ts';
import { registerOutage } from './outage.ts';
import { registerReport } from './report.ts';
import { registerScenario } from './scenario.ts';
import { registerService } from './service.ts';
import { registerUp } from './up.ts';
import { addLimitsFlags } from './limits-flags.ts';
import { registerFlood } from './flood.ts';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function program(): Command {
  const cli = new Command('interplay')
    .description('Runs one microservice system over three interaction styles and measures what each costs.')
    .version(version)
    // Global, so it goes before or after the command; NO_COLOR and FORCE_COLOR say the same for every run.
    .option('--no-color', 'no ANSI colour in tables (also NO_COLOR=1; FORCE_COLOR=1 forces colour)')
    // One prefix for every error, commander's own included.
    .configureOutput({ outputError: (text, write) => write(`interplay: ${text.replace(/^error: /, '')}`) })
    .exitOverride();
  registerUp(cli);
  registerScenario(cli);
  registerBench(cli);
  registerCompare(cli);
  registerDashboard(cli);
  registerExplain(cli);
  registerCalibrate(cli);
  registerOutage(cli);
  registerChaos(cli);
  registerReport(cli);
  registerService(cli);
  registerFlood(cli);
  addLimitsFlags(cli);
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
    await program().parseAsync([...argv]);
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
