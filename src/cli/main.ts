import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { EXIT_FAILED, EXIT_USAGE, UsageError } from './errors.ts';
import { registerBench, registerCompare } from './bench.ts';
import { registerReport } from './report.ts';
import { registerScenario } from './scenario.ts';
import { registerService } from './service.ts';
import { registerUp } from './up.ts';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function program(): Command {
  const cli = new Command('interplay')
    .description('Runs one microservice system over three interaction styles and measures what each costs.')
    .version(version)
    .exitOverride();
  registerUp(cli);
  registerScenario(cli);
  registerBench(cli);
  registerCompare(cli);
  registerReport(cli);
  registerService(cli);
  return cli;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await program().parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help'
        ? 0
        : EXIT_USAGE;
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
