import { Command, Option } from 'commander';
import type { FindMaxResult } from '../measure/bench/find-max.ts';
import { compareRepeats, defaultReportDir, renderCompareTable, renderRunTable, verdict, writeHtmlReport, writeRawRuns, writeReports, writeRunReport } from '../report/index.ts';
import type { CompareReport, RunReport } from '../model/schema.ts';
import { STYLES, type Style } from '../model/style.ts';
import { addLoadFlags, benchOptions, type LoadFlags } from './load-flags.ts';
import { parseStyles } from './fault-flags.ts';
import { checkStoreFlags } from './store-flags.ts';
import { progress } from './progress.ts';
import { asUsageError, EXIT_FAILED, UsageError } from './errors.ts';
import { addGateFlags, applyGate, prepareGate, type Gate, type GateFlags } from './gate.ts';
import { calibrationOf, withCeilings } from './calibration.ts';
import { stopEverythingOnSignal } from './signals.ts';
import { noColorFlag, terminalOf, type Terminal } from './terminal.ts';
import { linksConfigs, type LinkFlags } from './link-flags.ts';

export function registerBench(cli: Command): void {
  addLoadFlags(
    cli
      .command('bench')
      .description('load one style with the order workload and report latency, throughput, read load, messages and cost')
      .addOption(new Option('--style <style>', 'interaction style').choices([...STYLES]).default('rest'))
      .option('--html', HTML_HELP),
  ).action(async (flags: LoadFlags & HtmlFlag & { style: Style }, command: Command) => {
    checkStoreFlags(command, flags);
    const terminal = terminalFor(flags, command);
    await emit(await runStyles([flags.style], flags, terminal), flags, false, terminal);
  });
}

export function registerCompare(cli: Command): void {
  addGateFlags(
    addLoadFlags(
      cli
        .command('compare')
        .description('run the same load against every style in turn and print them side by side, with ratios against rest')
        .addOption(new Option('--styles <list>', 'comma-separated styles to compare').argParser(parseStyles).default([...STYLES], STYLES.join(',')))
        .option('--html', HTML_HELP),
    ),
  ).action(async (flags: LoadFlags & GateFlags & HtmlFlag & LinkFlags & { styles: Style[] }, command: Command) => {
    checkStoreFlags(command, flags);
    const terminal = terminalFor(flags, command);
    const sweep = linksConfigs(flags);
    if (sweep.length > 1) {
      const { runLinkSweep } = await import('./link-sweep.ts');
      const runs = async () => (await runStyles(flags.styles, flags, terminal, flags.repeat)).flatMap((o) => (o.run ? [o.run] : []));
      return runLinkSweep(sweep, flags, runs);
    }
    const gate = await prepareGate(flags, flags.styles);
    await emit(await runStyles(flags.styles, flags, terminal, flags.repeat), flags, true, terminal, gate);
  });
}

const HTML_HELP = 'also write report.html (charts and tables in one offline file) next to the JSON';

interface HtmlFlag {
  readonly html?: boolean;
}

interface Outcome {
  readonly run: RunReport | null;
  readonly ramp?: FindMaxResult;
  /** what the run collected, saved beside its result (a ramp keeps only its results) */
  readonly raw?: { readonly label: string; readonly raw: unknown };
}

/** the stream that carries the text (stderr with --json, whose stdout carries the result) and what it can show */
const terminalFor = (flags: LoadFlags, command: Command): Terminal =>
  terminalOf(flags.json ? process.stderr : process.stdout, { noColor: noColorFlag(command) });

/** Runs each style `repeat` times, interleaved (rest, notification, rest, notification, …), so a slow spell of the machine falls on every style. */
async function runStyles(styles: readonly Style[], flags: LoadFlags, terminal: Terminal, repeat = 1): Promise<Outcome[]> {
  if (flags.findMax && flags.connections !== undefined) throw new UsageError('--find-max ramps the open loop; it cannot go with --connections');
  const out = flags.json ? process.stderr : process.stdout;
  const argv = process.argv.slice(2);
  // Checked before anything runs, a calibration included.
  const options = benchOptions(flags, argv);
  stopEverythingOnSignal();
  const calibration = await calibrationOf(flags, out).catch((error: unknown) => {
    throw asUsageError(error);
  });
  // Loaded here, not at the top: --help and bad flags answer without loading the system.
  const { collectRun } = await import('../measure/bench/bench.ts');
  const { aggregate } = await import('../measure/bench/aggregate.ts');
  const { findMax } = await import('../measure/bench/find-max.ts');
  const outcomes: Outcome[] = [];
  for (const { style, round } of rounds(styles, repeat)) {
    const live = progress(out, terminal, repeat > 1 ? `${style} ${round}/${repeat}` : style);
    const base = { ...options, style, onPhase: live.phase, onTick: live.tick };
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
        const raw = await collectRun(base);
        outcomes.push({ run: aggregate(raw), raw: { label: repeat > 1 ? `${style}-${round}` : style, raw } });
      }
    } catch (error) {
      throw asUsageError(error);
    } finally {
      live.done();
    }
  }
  return withCeilings(outcomes, calibration);
}

/** every style once per round, in the given order: rest 1, notification 1, rest 2, notification 2, … */
const rounds = (styles: readonly Style[], repeat: number): { style: Style; round: number }[] =>
  Array.from({ length: repeat }, (_, i) => styles.map((style) => ({ style, round: i + 1 }))).flat();

async function emit(outcomes: readonly Outcome[], flags: LoadFlags & HtmlFlag, asComparison: boolean, terminal: Terminal, gate?: Gate): Promise<void> {
  const runs = outcomes.flatMap((o) => (o.run ? [o.run] : []));
  const dir = flags.out ?? defaultReportDir(new Date());
  const table = { color: terminal.color, width: terminal.width };
  const ramps = outcomes.flatMap((o) => (o.ramp ? [o.ramp] : []));
  const text: string[] = [];
  let html: string | undefined;
  let compare: CompareReport | undefined;
  if (asComparison || runs.length !== 1) {
    compare = compareRepeats(runs, new Date().toISOString());
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
  await writeRawRuns(dir, outcomes.flatMap((o) => (o.raw ? [o.raw] : [])));
  if (runs.length > 0) text.push(`reports written to ${dir}`);
  if (html) text.push(`HTML report: ${html}`);
  const textOut = flags.json ? process.stderr : process.stdout;
  textOut.write(`${text.join('\n')}\n`);
  const gated = gate && compare ? await applyGate(gate, compare, textOut) : undefined;
  // Last, after everything is printed and saved, so the final line on stderr says why the exit code is 1.
  const judged = verdict(runs, ramps);
  const reasons = [...(judged.ok ? [] : [judged.reason]), ...(gated ? [gated] : [])];
  if (reasons.length > 0) {
    process.stderr.write(`interplay: ${reasons.join('; ')}\n`);
    process.exitCode = EXIT_FAILED;
  }
}
