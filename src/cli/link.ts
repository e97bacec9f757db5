import type { Command } from 'commander';

/**
 * `interplay link`: one link of the processes topology as a process of its own, configured by
 * INTERPLAY_LINK (JSON, written by the topology). Hidden: a user asks for links with the --link-*
 * flags; this is what the supervisor runs for each, so a link's CPU is its own and killing it cuts
 * its connections as a lost host would. bin/interplay runs `link` without the CLI
 * (runtime/links/link-main.ts); this command is the same entry for `node dist/cli/main.js link`.
 */
export function registerLink(cli: Command): void {
  cli
    .command('link', { hidden: true })
    .description('relay one link of a processes-topology system (started by the topology)')
    .action(async () => {
      const { linkMain } = await import('../runtime/links/link-main.ts');
      process.exitCode = await linkMain();
    });
}
