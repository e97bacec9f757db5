import { InvalidArgumentError, Option, type Command } from 'commander';
import type { FaultLoadOptions } from '../measure/faults/fault-system.ts';
import { CLUSTER_COMPONENTS, COMPONENTS, POSTGRES_COMPONENTS, type Component } from '../scenarios/faults.ts';
import { STYLES, type Style } from '../model/style.ts';
import { EXIT_FAILED, UsageError } from './errors.ts';
import { workloadOf, type LoadFlags } from './load-flags.ts';
import { checkStoreFlags, storeRequest } from './store-flags.ts';
import { natsChoice } from './nats-flags.ts';
import { parseTopology } from './topology-flags.ts';

/** "rest,collaboration" → the styles, each once */
export function parseStyles(value: string): Style[] {
  const styles = value.split(',').map((s) => s.trim());
  const bad = styles.filter((s) => !(STYLES as readonly string[]).includes(s));
  if (bad.length > 0 || styles.length === 0) throw new InvalidArgumentError(`must be a comma-separated list of ${STYLES.join(', ')}.`);
  return [...new Set(styles)] as Style[];
}

/** `--styles`: the styles a run goes through, all by default */
export const stylesOption = (description = 'comma-separated styles'): Option =>
  new Option('--styles <list>', description).argParser(parseStyles).default([...STYLES], STYLES.join(','));

/**
 * Faults need what only the processes topology has: one process per service for the supervisor to
 * stop or kill, and our own broker to restart. The load flags that do not fit an open-loop fault run
 * are refused before anything starts.
 */
export function checkFaultLoad(command: string, flags: LoadFlags, cli: Command): void {
  checkStoreFlags(cli, flags);
  if (flags.topology === 'inproc') throw new UsageError(`${command} needs --topology processes: in one process, one service cannot die alone`);
  if (flags.topology === 'external') throw new UsageError(`${command} needs --topology processes: it stops and restarts services it started itself`);
  // the flags of another topology (--base-url, --sink, --docker-project) are refused, not ignored
  parseTopology(flags);
  if (flags.connections !== undefined) throw new UsageError(`${command} runs an open loop at --rate; it cannot go with --connections`);
  if (flags.findMax) throw new UsageError(`${command} runs at one --rate; it cannot go with --find-max`);
}

/** "billing,nats" → the components, each once; an unknown name is refused with the list of known ones */
export function parseComponents(value: string): Component[] {
  const names = value.split(',').map((s) => s.trim());
  const known: readonly string[] = [...COMPONENTS, ...CLUSTER_COMPONENTS, ...POSTGRES_COMPONENTS];
  const bad = names.filter((s) => !known.includes(s));
  if (bad.length > 0 || names.length === 0) {
    throw new InvalidArgumentError(`"${bad.join(',')}" is not a component; choose from ${known.join(', ')}.`);
  }
  return [...new Set(names)] as Component[];
}

export interface FaultRunOutput {
  /** file name → content, written under --out (default reports/<timestamp>) atomically */
  readonly files: Readonly<Record<string, string>>;
  /** what --json prints on stdout */
  readonly result: unknown;
  /** what the terminal shows; the directory is named after it */
  readonly text: string;
  /** set when the run broke invariants: the last stderr line, and exit code 1 */
  readonly failure?: string;
}

/** Saves, prints and judges an outage or chaos run, the same way for both. */
export async function emitFaultRun(flags: Pick<LoadFlags, 'out' | 'json'>, output: FaultRunOutput): Promise<void> {
  const { mkdir } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { defaultReportDir } = await import('../report/index.ts');
  const { writeAtomic } = await import('../report/files.ts');
  const dir = flags.out ?? defaultReportDir(new Date());
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(output.files)) await writeAtomic(join(dir, name), content);
  if (flags.json) process.stdout.write(`${JSON.stringify(output.result, null, 2)}\n`);
  (flags.json ? process.stderr : process.stdout).write(`${output.text}reports written to ${dir}\n`);
  if (output.failure) {
    process.stderr.write(`interplay: ${output.failure}\n`);
    process.exitCode = EXIT_FAILED;
  }
}

/** The load flags an outage or chaos run takes, as its options; progress lines go to `out`. */
export const faultLoadOptions = (flags: LoadFlags, out: NodeJS.WritableStream): FaultLoadOptions => ({
  ...workloadOf(flags),
  store: storeRequest(flags),
  ...natsChoice(flags),
  argv: process.argv.slice(2),
  onProgress: (line: string) => void out.write(`${line}\n`),
});
