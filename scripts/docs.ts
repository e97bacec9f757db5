/**
 * The generators of the committed documents and the run of the course's Postman collection, as npm
 * scripts call them (the code is in src/docs/):
 *
 *   npm run openapi | asyncapi | schema | docs:cli [-- --check]   rewrite docs/… when it differs; --check writes nothing and exits 1 when stale
 *   npm run docs:explain                                          the observed part of docs/styles.md (needs nats-server)
 *   npm run test:postman [-- --style S|all] [--nats URL]          the Postman collection with newman against a system of each style
 *
 * Bad input is one line on stderr and exit code 2, as on `interplay`.
 */
import { natsOption, styleOrAllOption, stylesOf } from '../src/cli/options.ts';
import type { SyncRequest } from '../src/docs/generated.ts';
import { runScript, scriptCommand } from './script-command.ts';

const cli = scriptCommand('docs', 'write the generated documents, or run the Postman collection');

const generator = (name: string, what: string, sync: () => Promise<(request: SyncRequest) => Promise<number>>) =>
  cli
    .command(name)
    .description(`write ${what} when it differs from what the code generates`)
    .option('--check', 'write nothing; exit 1 and name what is stale')
    .action(async (flags: { check?: boolean }) => {
      process.exitCode = await (await sync())({ check: flags.check === true });
    });

// Each generator loaded only when asked for: openapi starts a system, cli loads every command.
generator('openapi', 'docs/openapi/<service>.json', async () => (await import('../src/docs/openapi.ts')).syncOpenApi);
generator('asyncapi', 'docs/asyncapi/<style>.json', async () => (await import('../src/docs/asyncapi.ts')).syncAsyncApi);
generator('schema', 'docs/schema/<result>.schema.json', async () => (await import('../src/docs/schema.ts')).syncSchemas);
generator('cli', 'docs/cli.md', async () => (await import('../src/docs/cli.ts')).syncCliDoc);
cli
  .command('styles')
  .description('write the observed part of docs/styles.md from spans of real orders in each style')
  .action(async () => {
    process.exitCode = await (await import('../src/docs/styles.ts')).writeObservedStyles();
  });
cli
  .command('postman')
  .description('run the course Postman collection with newman against a system of each style')
  .addOption(styleOrAllOption())
  .addOption(natsOption())
  .action(async (flags: { style: string; nats?: string }) => {
    const { runPostman } = await import('../src/docs/postman.ts');
    process.exitCode = await runPostman({ styles: stylesOf(flags.style), ...(flags.nats ? { nats: flags.nats } : {}) });
  });

process.exitCode = await runScript(cli);
