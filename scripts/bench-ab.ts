/**
 * The performance gate without a committed baseline: builds two commits of this repository side by
 * side, measures them interleaved on this machine (base, head, base, head, …) and gates on head
 * against base.
 *
 *   npm run bench:ab -- --base REF --head REF [--rounds 3] [--styles rest,notification,collaboration]
 *                       [--duration 10s] [--rate 50] [--users 50]
 *                       [--fail-on "completion.p99:+25%,throughput.completed:-15%,failed=0"]
 *                       [--out DIR] [-- flags passed on to interplay compare]
 *
 * Each side is a `git worktree` of its commit, with its own node_modules (linked to this checkout's
 * when the package-lock.json is the same, else `npm ci`) and `npm run build`. Every round runs
 * `interplay compare` once for the base and once for the head, so a slow spell of the machine falls
 * on both. The rounds become one compare.json per side with every round as a repeat
 * (`DIR/base/compare.json`, `DIR/head/compare.json`), and the gate is `interplay compare`'s:
 * a relative threshold fails only when the head's median is beyond it and beyond the base's worst
 * round. Exit 0 passed, 1 the gate failed or a run could not be measured, 2 bad options.
 * docs/benchmarks.md says how noisy it is.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { applyGate } from '../src/cli/gate.ts';
import { positiveInt } from '../src/cli/options.ts';
import { compareRepeats, parseReport, parseThresholds } from '../src/report/index.ts';
import type { CompareReport, RunReport, Threshold } from '../src/report/index.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SIDES = ['base', 'head'] as const;
type Side = (typeof SIDES)[number];

interface Flags {
  readonly base: string;
  readonly head: string;
  readonly rounds: number;
  readonly styles: string;
  readonly duration: string;
  readonly rate: string;
  readonly users: string;
  readonly failOn: string;
  readonly out?: string;
}

class Broken extends Error {}

/** Runs a command to its end; resolves with its exit code and the last line it wrote on stderr. */
function run(command: string, args: readonly string[], cwd: string, quiet = false): Promise<{ code: number | null; last: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'pipe'], env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4096);
      if (!quiet) process.stderr.write(chunk);
    });
    child.once('error', fail);
    child.once('close', (code) => done({ code, last: stderr.trimEnd().split('\n').at(-1) ?? '' }));
  });
}

async function must(what: string, command: string, args: readonly string[], cwd: string): Promise<void> {
  const { code, last } = await run(command, args, cwd, true);
  if (code !== 0) throw new Broken(`${what} exited ${code}: ${last}`);
}

/** A worktree of `ref`, built and ready to run `bin/interplay`. */
async function prepare(side: Side, ref: string, dir: string): Promise<string> {
  const tree = join(dir, side);
  process.stderr.write(`bench:ab: ${side} = ${ref}: worktree, dependencies, build\n`);
  await must(`git worktree add ${ref}`, 'git', ['worktree', 'add', '--detach', tree, ref], ROOT);
  const lock = (root: string) => (existsSync(join(root, 'package-lock.json')) ? readFileSync(join(root, 'package-lock.json'), 'utf8') : undefined);
  // The same lock file gives the same packages: link this checkout's instead of installing them again.
  if (lock(tree) !== undefined && lock(tree) === lock(ROOT) && existsSync(join(ROOT, 'node_modules'))) {
    await symlink(join(ROOT, 'node_modules'), join(tree, 'node_modules'), 'dir');
  } else {
    await must(`npm ci in ${side}`, 'npm', ['ci', '--no-audit', '--no-fund'], tree);
  }
  // Both sides run compiled code, as an installed interplay would.
  await must(`npm run build in ${side}`, 'npm', ['run', 'build'], tree);
  return tree;
}

/** One `interplay compare` of one side; its runs. */
async function measure(tree: string, out: string, flags: Flags, extra: readonly string[]): Promise<RunReport[]> {
  const args = ['compare', '--styles', flags.styles, '--duration', flags.duration, '--rate', flags.rate, '--users', flags.users, '--out', out, ...extra];
  const { code, last } = await run(process.execPath, [join(tree, 'bin', 'interplay'), ...args], tree, true);
  const file = join(out, 'compare.json');
  // Exit 1 with a compare.json is a measured run in which orders failed: the gate's `failed` threshold judges it.
  if ((code !== 0 && code !== 1) || !existsSync(file)) throw new Broken(`interplay ${args.join(' ')} exited ${code}: ${last}`);
  const report = parseReport(await readFile(file, 'utf8'), file);
  if (report.schema !== 'interplay/compare@1') throw new Broken(`${file} is not a compare report`);
  return [...report.runs];
}

function options(argv: readonly string[]): { flags: Flags; extra: string[] } {
  const cli = new Command('bench:ab')
    .description('measure two commits interleaved on this machine and gate the head against the base')
    .requiredOption('--base <ref>', 'the commit to compare against (a pull request’s base)')
    .requiredOption('--head <ref>', 'the commit under test')
    .addOption(new Option('--rounds <n>', 'base-then-head rounds; each side’s rounds are its repeats').argParser(positiveInt(20)).default(3))
    .option('--styles <list>', 'styles each round compares', 'rest,notification,collaboration')
    .option('--duration <time>', 'measured window of each run', '10s')
    .option('--rate <n>', 'open-loop orders per second', '50')
    .option('--users <n>', 'users registered before the load', '50')
    .option('--fail-on <list>', 'thresholds, as interplay compare --fail-on', 'completion.p99:+25%,throughput.completed:-15%,failed=0')
    .option('--out <dir>', 'where the rounds and both compare.json go (default reports/<time>-ab)')
    .argument('[compare...]', 'after --: flags passed on to every interplay compare')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`bench:ab: ${text.replace(/^error: /, '')}`) })
    .parse([...argv], { from: 'user' });
  return { flags: cli.opts<Flags>(), extra: cli.args };
}

async function main(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof options>;
  let thresholds: readonly Threshold[];
  try {
    parsed = options(argv);
    const t = parseThresholds(parsed.flags.failOn);
    if (!t.ok) throw new CommanderError(2, 'bench:ab.fail-on', `--fail-on: ${t.error}`);
    thresholds = t.value;
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help') return 0;
    if (error.code === 'bench:ab.fail-on') process.stderr.write(`bench:ab: ${error.message}\n`);
    return 2;
  }
  const { flags, extra } = parsed;
  const out = resolve(flags.out ?? join(ROOT, 'reports', `${new Date().toISOString().replace(/[:.]/g, '-')}-ab`));
  const work = await mkdtemp(join(tmpdir(), 'interplay-ab-'));
  const trees: string[] = [];
  try {
    const tree = {} as Record<Side, string>;
    for (const side of SIDES) {
      // Held before it exists, so a half-made worktree is removed too.
      trees.push(join(work, side));
      tree[side] = await prepare(side, side === 'base' ? flags.base : flags.head, work);
    }
    const runs: Record<Side, RunReport[]> = { base: [], head: [] };
    const started = Date.now();
    for (let round = 1; round <= flags.rounds; round++) {
      for (const side of SIDES) {
        const dir = join(out, side, `round-${round}`);
        await mkdir(dir, { recursive: true });
        process.stderr.write(`bench:ab: round ${round}/${flags.rounds}: ${side}\n`);
        runs[side].push(...(await measure(tree[side], dir, flags, extra)));
      }
    }
    const createdAt = new Date().toISOString();
    const compared = {} as Record<Side, CompareReport>;
    for (const side of SIDES) {
      compared[side] = compareRepeats(runs[side], createdAt);
      await writeFile(join(out, side, 'compare.json'), `${JSON.stringify(compared[side], null, 2)}\n`);
    }
    process.stdout.write(`bench:ab: ${flags.base} (base) against ${flags.head} (head), ${flags.rounds} interleaved rounds, ${((Date.now() - started) / 1000).toFixed(0)} s; reports in ${out}\n`);
    const failed = await applyGate({ thresholds, baseline: compared.base }, compared.head, process.stdout);
    if (failed) {
      process.stderr.write(`bench:ab: ${failed}\n`);
      return 1;
    }
    return 0;
  } catch (error) {
    if (!(error instanceof Broken)) throw error;
    process.stderr.write(`bench:ab: ${error.message}\n`);
    return 1;
  } finally {
    for (const t of trees) {
      if (!existsSync(t)) continue;
      const removed = await run('git', ['worktree', 'remove', '--force', t], ROOT, true);
      if (removed.code !== 0) process.stderr.write(`bench:ab: could not remove the worktree ${t}: ${removed.last} (git worktree prune clears it once the directory is gone)\n`);
    }
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
