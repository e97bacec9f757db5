import { Command, Option } from 'commander';
import type { FindMaxResult } from '../measure/find-max.ts';
import { compareRuns, defaultReportDir, renderCompareTable, renderRunTable, verdict, writeHtmlReport, writeReports, writeRunReport } from '../report/index.ts';
import type { RunReport } from '../report/schema.ts';
import { STYLES, type Style } from '../transports/wiring.ts';
import { addLoadFlags, benchOptions, type LoadFlags } from './load-flags.ts';
import { parseStyles } from './fault-flags.ts';
import { progress } from './progress.ts';
import { asUsageError, EXIT_FAILED, UsageError } from './errors.ts';
import { stopEverythingOnSignal } from './signals.ts';
import { noColorFlag, terminalOf, type Terminal } from './terminal.ts';

export function registerBench(cli: Command): void {
  addLoadFlags(
    cli
      .command('bench')
      .description('load one style with the order workload and report latency, throughput, read load, messages and cost')
      .addOption(new Option('--style <style>', 'interaction style').choices([...STYLES]).default('rest'))
      .option('--html', HTML_HELP),
  ).action(async (flags: LoadFlags & HtmlFlag & { style: Style }, command: Command) => {
    const terminal = terminalFor(flags, command);
    await emit(await runStyles([flags.style], flags, terminal), flags, false, terminal);
  });
}

export function registerCompare(cli: Command): void {
  addLoadFlags(
    cli
      .command('compare')
      .description('run the same load against every style in turn and print them side by side, with ratios against rest')
      .addOption(new Option('--styles <list>', 'comma-separated styles to compare').argParser(parseStyles).default([...STYLES], STYLES.join(',')))
      .option('--html', HTML_HELP),
  ).action(async (flags: LoadFlags & HtmlFlag & { styles: Style[] }, command: Command) => {
    const terminal = terminalFor(flags, command);
    await emit(await runStyles(flags.styles, flags, terminal), flags, true, terminal);
  });
}

const HTML_HELP = 'also write report.html (charts and tables in one offline file) next to the JSON';

interface HtmlFlag {
  readonly html?: boolean;
}

interface Outcome {
  readonly run: RunReport | null;
  readonly ramp?: FindMaxResult;
}

/** the stream that carries the text (stderr with --json, whose stdout carries the result) and what it can show */
const terminalFor = (flags: LoadFlags, command: Command): Terminal =>
  terminalOf(flags.json ? process.stderr : process.stdout, { noColor: noColorFlag(command) });

async function runStyles(styles: readonly Style[], flags: LoadFlags, terminal: Terminal): Promise<Outcome[]> {
  if (flags.findMax && flags.connections !== undefined) throw new UsageError('--find-max ramps the open loop; it cannot go with --connections');
  const out = flags.json ? process.stderr : process.stdout;
  const argv = process.argv.slice(2);
  stopEverythingOnSignal();
  // Loaded here, not at the top: --help and bad flags answer without loading the system.
  const { benchStyle } = await import('../measure/bench.ts');
  const { findMax } = await import('../measure/find-max.ts');
  const outcomes: Outcome[] = [];
  for (const style of styles) {
    const live = progress(out, terminal, style);
    const base = { ...benchOptions(flags, argv), style, onPhase: live.phase, onTick: live.tick };
    try {
      if (flags.findMax) {
        const ramp = await findMax({
          ...base,
          sloMs: flags.slo,
          startRate: flags.rate,
          onStep: (s) => {
            live.done();
            out.write(`${style}: ${s.rate}/s ${s.held ? 'held' : `not held: ${s.reason}`}\n`);
          },
        });
        outcomes.push({ run: ramp.run, ramp });
      } else {
        outcomes.push({ run: await benchStyle(base) });
      }
    } catch (error) {
      throw asUsageError(error);
    } finally {
      live.done();
    }
  }
  return outcomes;
}

async function emit(outcomes: readonly Outcome[], flags: LoadFlags & HtmlFlag, asComparison: boolean, terminal: Terminal): Promise<void> {
  const runs = outcomes.flatMap((o) => (o.run ? [o.run] : []));
  const dir = flags.out ?? defaultReportDir(new Date());
  const table = { color: terminal.color, width: terminal.width };
  const ramps = outcomes.flatMap((o) => (o.ramp ? [o.ramp] : []));
  const text: string[] = [];
  let html: string | undefined;
  if (asComparison || runs.length !== 1) {
    const compare = compareRuns(runs, new Date().toISOString());
    if (runs.length > 0) await writeReports(dir, compare);
    if (runs.length > 0 && flags.html) html = await writeHtmlReport(dir, compare);
    text.push(runs.length > 0 ? renderCompareTable(compare, table) : '');
    if (flags.json) process.stdout.write(`${JSON.stringify(ramps.length ? { ...compare, findMax: ramps } : compare, null, 2)}\n`);
  } else {
    const run = runs[0]!;
    await writeRunReport(dir, run);
    if (flags.html) html = await writeHtmlReport(dir, run);
    text.push(renderRunTable(run, table));
    if (flags.json) process.stdout.write(`${JSON.stringify(ramps.length ? { ...run, findMax: ramps[0] } : run, null, 2)}\n`);
  }
  for (const ramp of ramps) {
    text.push(`${ramp.style}: highest rate held with p99 completion under ${ramp.sloMs} ms: ${ramp.maxRate ?? 'none'}${ramp.maxRate ? '/s' : ''}`);
  }
  if (runs.length > 0) text.push(`reports written to ${dir}`);
  if (html) text.push(`HTML report: ${html}`);
  (flags.json ? process.stderr : process.stdout).write(`${text.join('\n')}\n`);
  // Last, after everything is printed and saved, so the final line on stderr says why the exit code is 1.
  const judged = verdict(runs, ramps);
  if (!judged.ok) {
    process.stderr.write(`interplay: ${judged.reason}\n`);
    process.exitCode = EXIT_FAILED;
  }
}
