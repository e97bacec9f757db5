import { Command, Option } from 'commander';
import { ReportError, readSaved, renderMarkdown, renderTable, writeHtmlReport } from '../report/index.ts';
import { UsageError } from './errors.ts';
import { noColorFlag, terminalOf } from './terminal.ts';

type Format = 'table' | 'markdown' | 'md' | 'json';

export function registerReport(cli: Command): void {
  cli
    .command('report')
    .description('render saved reports again (a bench run.json, or compare.json / <style>/run.json) without re-running the load')
    .argument('<dir>', 'a directory written by bench or compare')
    .addOption(new Option('--format <format>', 'output format; markdown is the summary.md that was written').choices(['table', 'markdown', 'md', 'json']).default('table'))
    .option('--html', 'write DIR/report.html (charts and tables in one offline file) and print its path instead')
    .action(async (dir: string, flags: { format: Format; html?: boolean }, command: Command) => {
      if (flags.html && (await renderedOutage(dir))) return;
      // A bench directory gives back the run itself, a compare directory the comparison:
      // rendered with the same functions bench and compare used, the output is what they printed and wrote.
      const report = await readSaved(dir).catch((error: unknown) => {
        throw error instanceof ReportError ? new UsageError(error.message, { cause: error }) : error;
      });
      if (flags.html) {
        process.stdout.write(`${await writeHtmlReport(dir, report)}\n`);
        return;
      }
      const terminal = terminalOf(process.stdout, { noColor: noColorFlag(command) });
      const out =
        flags.format === 'json'
          ? `${JSON.stringify(report, null, 2)}\n`
          : flags.format === 'markdown' || flags.format === 'md'
            ? renderMarkdown(report)
            : renderTable(report, { color: terminal.color, width: terminal.width });
      process.stdout.write(out);
    });
}

/**
 * An outage directory (outage.json) becomes report.html with its matrix. Resolves false for any
 * other directory, which renders as a bench or compare does.
 */
async function renderedOutage(dir: string): Promise<boolean> {
  const { readFile, writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const text = await readFile(join(dir, 'outage.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return false;
  let saved: { schema?: unknown };
  try {
    saved = JSON.parse(text) as { schema?: unknown };
  } catch {
    throw new UsageError(`${join(dir, 'outage.json')} is not JSON`);
  }
  if (saved.schema !== 'interplay/outage@1') throw new UsageError(`${join(dir, 'outage.json')} is not an interplay/outage@1 result`);
  const { renderOutageHtml } = await import('../report/coupling-html.ts');
  const path = join(dir, 'report.html');
  await writeFile(path, renderOutageHtml(saved as Parameters<typeof renderOutageHtml>[0]));
  process.stdout.write(`${path}\n`);
  return true;
}
