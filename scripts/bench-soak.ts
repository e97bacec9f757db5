/**
 * Whether a style stays flat under a long steady load (issue 10): one system, one open-loop load,
 * one row per window.
 *
 *   npm run bench:soak [-- --style collaboration --rate 100 --minutes 10 --window 30 --users 20 --out DIR]
 *
 * Each row: offered, accepted, completed, failed, shed; completion p50/p99 of the orders sent in the
 * window; CPU per order (system + nats-server); RSS of both; the consumer backlog and the streams'
 * size; the databases' size and bytes per order; the event-loop delay (p99, max) of the system's
 * processes and of this one, their GC pauses by kind, SQLite checkpoints, the write-ahead logs' size and
 * nats-server's own counters (/varz, /jsz). At the end, per series, the first window after the
 * warm-up against the last, the slope per minute and "flat" or "grows". Everything goes to soak.json.
 *
 * A benchmark, not a test: it exits 0 whatever the numbers, 1 only when a step could not run, 2 on bad options.
 */
import { mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { stopEverythingOnSignal } from '../src/cli/signals.ts';
import { runSoak } from '../src/measure/soak-run.ts';
import { parseSoakArgs, soakTargets, soakTrends, TREND_RULE, type SoakWindow } from '../src/measure/soak.ts';
import { defaultReportDir } from '../src/report/index.ts';
import { writeAtomic } from '../src/report/files.ts';
import { renderSoakSummary, renderSoakTargets, soakHead, soakLegend, soakRow } from '../src/report/soak.ts';
import { duration } from '../src/report/format.ts';

const parsed = parseSoakArgs(process.argv.slice(2), `${defaultReportDir(new Date())}-soak`);
if (!parsed.ok) {
  process.stderr.write(`bench:soak: ${parsed.error}\n`);
  process.exit(2);
}
const opts = parsed.value;
stopEverythingOnSignal();
const startedAt = new Date().toISOString();
mkdirSync(opts.out, { recursive: true });
const file = join(opts.out, 'soak.json');
const windows: SoakWindow[] = [];
const save = () =>
  writeAtomic(
    file,
    `${JSON.stringify(
      {
        schema: 'interplay/soak@2',
        config: { ...opts, argv: process.argv.slice(2) },
        environment: { node: process.version, cpuModel: cpus()[0]?.model ?? 'unknown', cpuCount: cpus().length, startedAt },
        windows,
        trends: soakTrends(windows),
        rule: TREND_RULE,
        targets: soakTargets(windows),
      },
      null,
      2,
    )}\n`,
  );

console.log(`soak: ${opts.style} at ${opts.rate}/s for ${duration(opts.durationMs)}, a row every ${duration(opts.windowMs)}, ${opts.users} users`);
try {
  await runSoak({
    ...opts,
    onPhase: (phase) => process.stderr.write(`  ${phase}\n`),
    onWindow: (w) => {
      if (windows.length === 0) console.log(soakHead().join('\n'));
      windows.push(w);
      console.log(soakRow(w));
      // Saved as it goes, so an interrupted soak keeps what it measured.
      void save().catch(() => undefined);
    },
  });
} catch (error) {
  process.stderr.write(`bench:soak: ${(error as Error).message}\n`);
  if (windows.length > 0) await save();
  process.exit(1);
}
console.log(['', ...soakLegend(), ''].join('\n'));
console.log(`trends over the windows after the first (warm-up):`);
console.log(renderSoakSummary(soakTrends(windows)).join('\n'));
console.log(`\nthe stall targets (after the warm-up window; sheds over every window):`);
console.log(renderSoakTargets(soakTargets(windows)).join('\n'));
await save();
console.log(`\nsaved ${file}`);
