import { appendFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { evaluateGate, gateFailures, loadBaseline, parseThresholds, renderGate } from '../report/index.ts';
import type { CompareReport, Threshold } from '../report/index.ts';
import type { Style } from '../model/style.ts';
import { UsageError } from './errors.ts';
import { positiveInt } from './options.ts';

export interface GateFlags {
  readonly repeat: number;
  readonly baseline?: string;
  readonly failOn?: string;
}

/** What `compare` gates on, checked before any load runs. */
export interface Gate {
  readonly thresholds: readonly Threshold[];
  readonly baseline: CompareReport | undefined;
}

/** `compare`'s flags for repeated runs and the CI gate. */
export function addGateFlags(command: Command): Command {
  return command
    .addOption(
      new Option('--repeat <n>', 'run each style n times, interleaved, and compare medians; compare.json keeps every repeat').argParser(positiveInt(20)).default(1),
    )
    .option('--baseline <file>', 'a saved compare.json to gate against with relative --fail-on thresholds')
    .option('--fail-on <list>', 'exit 1 when a threshold is crossed, e.g. "completion.p99:+25%,throughput.completed:-15%,failed=0" (see docs/benchmarks.md)');
}

/**
 * Parses the thresholds and reads the baseline, so a bad `--fail-on` or an unusable baseline
 * stops the command before anything runs. @returns undefined when nothing is gated
 */
export async function prepareGate(flags: GateFlags & { readonly findMax?: boolean }, styles: readonly Style[]): Promise<Gate | undefined> {
  if (flags.repeat > 1 && flags.findMax) throw new UsageError('--repeat goes without --find-max, which runs its own repeats');
  if (flags.failOn === undefined) {
    if (flags.baseline !== undefined) throw new UsageError('--baseline needs --fail-on to say what counts as a regression');
    return undefined;
  }
  const parsed = parseThresholds(flags.failOn);
  if (!parsed.ok) throw new UsageError(`--fail-on: ${parsed.error}`);
  const relative = parsed.value.find((t) => t.type === 'relative');
  if (relative && flags.baseline === undefined) throw new UsageError(`--fail-on: "${relative.text}" compares with a baseline; give --baseline FILE`);
  if (flags.baseline === undefined) return { thresholds: parsed.value, baseline: undefined };
  const baseline = await loadBaseline(flags.baseline, styles);
  if (!baseline.ok) throw new UsageError(baseline.error);
  return { thresholds: parsed.value, baseline: baseline.value };
}

/**
 * Judges the comparison, writes the table to `out` and appends the Markdown to
 * $GITHUB_STEP_SUMMARY when it is set. @returns why the gate failed, or undefined when it passed
 */
export async function applyGate(gate: Gate, compare: CompareReport, out: NodeJS.WritableStream): Promise<string | undefined> {
  const result = evaluateGate(compare, gate.baseline, gate.thresholds);
  out.write(`\n${renderGate(result)}`);
  const summary = process.env['GITHUB_STEP_SUMMARY'];
  if (summary) await appendFile(summary, `${renderGate(result, 'markdown')}\n`);
  return result.ok ? undefined : `performance gate failed: ${gateFailures(result)}`;
}
