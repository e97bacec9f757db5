import { Command, Option } from 'commander';
import { ReportError, readReports, renderCompareTable, renderMarkdown, writeHtmlReport } from '../report/index.ts';
import { UsageError } from './errors.ts';

export function registerReport(cli: Command): void {
  cli
    .command('report')
    .description('render saved reports again (from compare.json or <style>/run.json) without re-running the load')
    .argument('<dir>', 'a directory written by bench or compare')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'markdown', 'json']).default('table'))
    .option('--html', 'write DIR/report.html (charts and tables in one offline file) and print its path instead')
    .action(async (dir: string, flags: { format: 'table' | 'markdown' | 'json'; html?: boolean }) => {
      const compare = await readReports(dir).catch((error: unknown) => {
        throw error instanceof ReportError ? new UsageError(error.message, { cause: error }) : error;
      });
      if (flags.html) {
        process.stdout.write(`${await writeHtmlReport(dir, compare)}\n`);
        return;
      }
      const out =
        flags.format === 'json'
          ? `${JSON.stringify(compare, null, 2)}\n`
          : flags.format === 'markdown'
            ? renderMarkdown(compare)
            : `${renderCompareTable(compare, { color: Boolean(process.stdout.isTTY) })}\n`;
      process.stdout.write(out);
    });
}
