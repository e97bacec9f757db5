import { Command, Option } from 'commander';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { STYLES } from '../model/style.ts';
import { asUsageError } from './errors.ts';
import { checkStoreFlags, databasePoolOption, databasePrefixOption, databaseUrlOption, storeOption, storeRequest, type StoreFlags } from './store-flags.ts';
import { natsOption, positiveInt, stylesOf } from './options.ts';
import { stopEverythingOnSignal } from './signals.ts';

import { natsChoice, natsClusterOption, streamReplicasOption, type NatsFlags } from './nats-flags.ts';

interface ExplainFlags extends StoreFlags, NatsFlags {
  readonly style: string;
  readonly orders: number;
  readonly nats?: string;
  readonly out?: string;
  readonly markdown?: boolean;
}

export function registerExplain(cli: Command): void {
  cli
    .command('explain')
    .description('observe real orders with spans on, and print each style’s dependency graph, coupling metrics and Mermaid diagrams')
    .addOption(new Option('--style <style>', 'interaction style, or all three').choices([...STYLES, 'all']).default('all'))
    .addOption(new Option('--orders <n>', 'orders to observe per style (the last one unaffordable)').argParser(positiveInt(100)).default(3))
    .addOption(natsOption())
    .addOption(natsClusterOption())
    .addOption(streamReplicasOption())
    .option('--out <dir>', 'also write the spans (OTLP/JSON, for Jaeger or any OTLP viewer), coupling.json, explain.md and explain.html here')
    .option('--markdown', 'print Markdown (for a README) instead of the terminal form')
    .addOption(storeOption())
    .addOption(databaseUrlOption())
    .addOption(databasePrefixOption())
    .addOption(databasePoolOption())
    .action(async (flags: ExplainFlags, command: Command) => {
      checkStoreFlags(command, flags);
      const broker = natsChoice(flags);
      stopEverythingOnSignal();
      const { explainStyle } = await import('../scenarios/explain.ts');
      const { renderExplainMarkdown, renderExplainText } = await import('../report/explain.ts');
      const { renderExplainHtml } = await import('../report/coupling-html.ts');
      const markdown: string[] = [];
      const views: Parameters<typeof renderExplainHtml>[0][number][] = [];
      const reports: Record<string, unknown> = {};
      for (const style of stylesOf(flags.style)) {
        const explained = await explainStyle({ style, orders: flags.orders, ...broker, store: storeRequest(flags), outDir: flags.out }).catch((error) => {
          throw asUsageError(error);
        });
        views.push(explained);
        const md = renderExplainMarkdown(explained);
        markdown.push(md);
        reports[style] = { ...explained.report, orders: { ...explained.report.orders, traceIds: [...explained.report.orders.traceIds] } };
        process.stdout.write(flags.markdown ? `${md}\n` : `${renderExplainText(explained)}\n`);
      }
      if (flags.out) {
        await writeFile(join(flags.out, 'coupling.json'), `${JSON.stringify(reports, null, 2)}\n`);
        await writeFile(join(flags.out, 'explain.md'), markdown.join('\n'));
        await writeFile(join(flags.out, 'explain.html'), renderExplainHtml(views));
        process.stderr.write(`spans, coupling.json, explain.md and explain.html written to ${flags.out}\n`);
      }
    });
}
