import { Command, Option } from 'commander';
import { ReportError, readReports, renderCompareTable, renderMarkdown } from '../report/index.ts';
import { UsageError } from './errors.ts';

export function registerReport(cli: Command): void {
  cli
    .command('report')
    .description('render saved reports again (from compare.json or <style>/run.json) without re-running the load')
    .argument('<dir>', 'a directory written by bench or compare')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'markdown', 'json']).default('table'))
    .action(async (dir: string, flags: { format: 'table' | 'markdown' | 'json' }) => {
      const compare = await readReports(dir).catch((error: unknown) => {
        throw error instanceof ReportError ? new UsageError(error.message, { cause: error }) : error;
      });
      const out =
        flags.format === 'json'
          ? `${JSON.stringify(compare, null, 2)}\n`
          : flags.format === 'markdown'
            ? renderMarkdown(compare)
            : `${renderCompareTable(compare, { color: Boolean(process.stdout.isTTY) })}\n`;
      process.stdout.write(out);
    });
}
