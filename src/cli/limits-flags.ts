import { Option, type Command } from 'commander';
import { LIMITS_ENV } from '../runtime/limits-env.ts';
import { UsageError } from './errors.ts';

/** the commands that start a system of their own, and so can start it without limits */
const STARTS_A_SYSTEM = ['up', 'scenario', 'bench', 'compare', 'dashboard', 'outage', 'chaos'] as const;

/**
 * `--limits on|off` on every command that starts a system. The flag sets INTERPLAY_LIMITS for this
 * process before the command runs, so the system it starts reads it as a container reads its
 * environment, in this process (inproc) and in every child (`interplay up`, `interplay service`).
 */
export function addLimitsFlag(command: Command): Command {
  return command
    .addOption(
      new Option('--limits <on|off>', 'login, registration and order limits (docs/limits.md); off for a lab that floods on purpose (also INTERPLAY_LIMITS)').choices([
        'on',
        'off',
      ]),
    )
    .hook('preAction', async (_command, action) => {
      const value = action.opts<{ limits?: string }>().limits;
      if (value) process.env[LIMITS_ENV.all] = value;
      // A bad INTERPLAY_LIMIT_* is a usage error before anything starts, not a child that dies.
      const { limitsFromEnv } = await import('../runtime/limits.ts');
      const parsed = limitsFromEnv();
      if (!parsed.ok) throw new UsageError(parsed.error);
    });
}

/** Adds `--limits` to each command of `cli` that starts a system. */
export function addLimitsFlags(cli: Command): void {
  for (const command of cli.commands) if ((STARTS_A_SYSTEM as readonly string[]).includes(command.name())) addLimitsFlag(command);
}
