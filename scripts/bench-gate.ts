/**
 * Measures how often the CI gate fails a change that changed nothing: its false-alarm rate.
 *
 *   tsx scripts/bench-gate.ts [--gates 5] [--styles rest] [--duration 5s] [--rate 30] [--repeat 3]
 *                             [--fail-on "completion.p99:+25%,throughput.completed:-15%"]
 *
 * Records a baseline with `interplay compare`, then runs the same comparison `--gates` times
 * against it with `--fail-on`, and counts the runs that exit 1. Every run is the same code on the
 * same machine, so each failure is a false alarm. It is a benchmark, not a test: it exits 0 either
 * way, and an exit other than 0 or 1 (a broken run) is counted apart.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Option } from 'commander';
import { parseStyles } from '../src/cli/fault-flags.ts';
import { parseDuration, parseRate, positiveInt } from '../src/cli/options.ts';
import { runScript, scriptCommand } from './script-command.ts';

const BIN = fileURLToPath(new URL('../bin/interplay', import.meta.url));

interface Exit {
  readonly code: number | null;
  /** the last line on stderr: why a gate failed */
  readonly last: string;
}

function interplay(args: readonly string[]): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, last: stderr.trimEnd().split('\n').at(-1) ?? '' }));
  });
}

interface Flags {
  readonly gates: number;
  readonly styles: string;
  readonly duration: string;
  readonly rate: string;
  readonly repeat: number;
  readonly failOn: string;
}

/** Checked here, passed on to interplay compare as written. */
const checked = (parse: (value: string) => unknown) => (value: string) => (parse(value), value);

async function measure(values: Flags): Promise<void> {
  const load = ['compare', '--styles', values.styles, '--duration', values.duration, '--rate', values.rate, '--repeat', String(values.repeat)];
  const dir = await mkdtemp(join(tmpdir(), 'interplay-bench-gate-'));
  try {
    const started = Date.now();
    const baseline = await interplay([...load, '--out', join(dir, 'baseline')]);
    if (baseline.code !== 0) throw new Error(`recording the baseline exited ${baseline.code}: ${baseline.last}`);
    const gates = values.gates;
    let alarms = 0;
    let broken = 0;
    for (let i = 1; i <= gates; i++) {
      const gate = await interplay([...load, '--out', join(dir, `gate-${i}`), '--baseline', join(dir, 'baseline', 'compare.json'), '--fail-on', values.failOn]);
      if (gate.code === 1) alarms++;
      else if (gate.code !== 0) broken++;
      process.stdout.write(`gate ${i}/${gates}: exit ${gate.code}${gate.code === 0 ? '' : ` ${gate.last}`}\n`);
    }
    process.stdout.write(
      `${load.join(' ')} --fail-on "${values.failOn}": ${alarms} false alarm${alarms === 1 ? '' : 's'} in ${gates} fair gates` +
        `${broken > 0 ? ` (${broken} broken runs)` : ''}, ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

process.exitCode = await runScript(
  scriptCommand('bench-gate', 'how often the gate fails a change that changed nothing: its false-alarm rate')
    .addOption(new Option('--gates <n>', 'gated runs against the one baseline').argParser(positiveInt(1000)).default(5))
    .addOption(new Option('--styles <list>', 'styles each run compares').argParser(checked(parseStyles)).default('rest'))
    .addOption(new Option('--duration <time>', 'measured window of each run').argParser(checked(parseDuration)).default('5s'))
    .addOption(new Option('--rate <n>', 'open-loop orders per second').argParser(checked(parseRate)).default('30'))
    .addOption(new Option('--repeat <n>', 'repeats per run, as interplay compare --repeat').argParser(positiveInt(20)).default(3))
    .option('--fail-on <list>', 'thresholds, as interplay compare --fail-on', 'completion.p99:+25%,throughput.completed:-15%')
    .action(measure),
);
