import type { Command } from 'commander';
import { UsageError } from './errors.ts';

/**
 * `interplay link`: one link of the processes topology as a process of its own, configured by
 * INTERPLAY_LINK (JSON, written by the topology). Hidden: a user asks for links with the --link-*
 * flags; this is what the supervisor runs for each, so a link's CPU is its own and killing it cuts
 * its connections as a lost host would.
 */
export function registerLink(cli: Command): void {
  cli
    .command('link', { hidden: true })
    .description('relay one link of a processes-topology system (started by the topology)')
    .action(async () => {
      const { LINK_SPEC_ENV, runLink } = await import('../runtime/links/link-process.ts');
      const text = process.env[LINK_SPEC_ENV];
      if (!text) throw new UsageError(`${LINK_SPEC_ENV} must hold the link to run`);
      const { exitWithSupervisor, readyLine } = await import('../runtime/supervised.ts');
      let stop = async (): Promise<void> => {};
      const exit = exitWithSupervisor(() => stop());
      process.once('SIGINT', () => void exit());
      process.once('SIGTERM', () => void exit());
      const running = await runLink(JSON.parse(text));
      stop = running.stop;
      process.stdout.write(`${readyLine(running.url)}\n`);
    });
}
