/**
 * How every script in scripts/ reads its arguments: commander, as `interplay` does. A bad flag or
 * value is one line on stderr prefixed with the script's name, and exit code 2; --help exits 0.
 */
import { Command, CommanderError } from 'commander';

export function scriptCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .configureOutput({ outputError: (text, write) => write(`${name}: ${text.replace(/^error: /, '')}`) })
    .exitOverride();
}

/** Parses `process.argv` and runs the action; resolves to the exit code the action set, 2 on bad input. */
export async function runScript(cli: Command): Promise<number> {
  try {
    await cli.parseAsync(process.argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // --help, and help shown for a bare `docs`: commander's own exit code 0; anything else is bad input.
    return error.exitCode === 0 ? 0 : 2;
  }
}

/**
 * For a script that runs at its top level: parses `process.argv` and returns the options; exits 0
 * after --help and 2 on bad input, before anything starts.
 */
export function parseScript<T extends object>(cli: Command): T {
  try {
    return cli.parse(process.argv).opts<T>();
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
}
