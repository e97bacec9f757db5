import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { compareRepeats, defaultReportDir, verdict, writeReports } from '../report/index.ts';
import { writeAtomic } from '../report/files.ts';
import { renderSweepHtml, renderSweepMarkdown, renderSweepTable, sweepRow, type SweepReport } from '../report/link-sweep.ts';
import type { RunReport } from '../model/schema.ts';
import { describeExtras, LINKS_ENV, linksToEnv, type LinksConfig } from '../runtime/links/profile.ts';
import { EXIT_FAILED } from './errors.ts';

/**
 * `compare --link-latency 0,1ms,5ms,20ms`: the same comparison once per latency, each with its
 * links set through INTERPLAY_LINKS as a single --link-latency sets them, then one table and one
 * chart of each style's completion p50/p99 against the latency. Each point's comparison is kept
 * in DIR/latency-<ms>ms/, as compare writes it.
 */
export async function runLinkSweep(
  configs: readonly LinksConfig[],
  flags: { readonly out?: string; readonly json?: boolean },
  compareOnce: () => Promise<readonly RunReport[]>,
): Promise<void> {
  const out = flags.json ? process.stderr : process.stdout;
  const dir = flags.out ?? defaultReportDir(new Date());
  const rows: SweepReport['rows'][number][] = [];
  const all: RunReport[] = [];
  for (const config of configs) {
    const latencyMs = config.profile.latencyMs;
    out.write(`links at ${latencyMs} ms one way\n`);
    process.env[LINKS_ENV] = linksToEnv(config);
    const runs = await compareOnce();
    all.push(...runs);
    if (runs.length > 0) await writeReports(join(dir, `latency-${latencyMs}ms`), compareRepeats(runs, new Date().toISOString()));
    rows.push(...runs.map((run) => sweepRow(latencyMs, run)));
  }
  delete process.env[LINKS_ENV];
  const pairs = configs[0]!.pairs.map((p) => `${p.from}>${p.to}=${p.latencyMs}ms`);
  const links = [`${configs.map((c) => c.profile.latencyMs).join(' / ')} ms one way`, ...describeExtras(configs[0]!.profile), ...(pairs.length ? [`pairs ${pairs.join(', ')}`] : [])].join(', ');
  const report: SweepReport = { schema: 'interplay/link-sweep@1', createdAt: new Date().toISOString(), links, rows };
  await mkdir(dir, { recursive: true });
  await writeAtomic(join(dir, 'sweep.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeAtomic(join(dir, 'sweep.md'), renderSweepMarkdown(report));
  await writeAtomic(join(dir, 'sweep.html'), await renderSweepHtml(report));
  if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  out.write(`${renderSweepTable(report)}\nsweep written to ${dir} (sweep.json, sweep.md, sweep.html)\n`);
  const judged = verdict(all);
  if (!judged.ok) {
    process.stderr.write(`interplay: ${judged.reason}\n`);
    process.exitCode = EXIT_FAILED;
  }
}
