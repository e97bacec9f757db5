/**
 * What a recording call costs on a hot path: ns per call with the recorder off, and on.
 * npx tsx scripts/bench-spans.ts [calls]
 */
import { performance } from 'node:perf_hooks';
import { positiveInt } from '../src/cli/options.ts';
import { runScript, scriptCommand } from './script-command.ts';
import { childTraceparent, newTraceparent } from '../src/platform/events/trace.ts';
import { recordClientCall, startRecording, stopRecording, takeSpans } from '../src/platform/spans.ts';

const parent = newTraceparent();
const selves = Array.from({ length: 1024 }, () => childTraceparent(parent));

function run(calls: number): number {
  const t0 = Date.now();
  const start = performance.now();
  for (let i = 0; i < calls; i++) {
    recordClientCall('order', 'billing', 'POST', '/internal/payments', parent, t0, t0 + 1, 201, selves[i & 1023]);
    // Drain as a long run's writer would, so memory stays flat and the figure is the call alone.
    if ((i & 0xffff) === 0xffff) takeSpans();
  }
  return ((performance.now() - start) * 1e6) / calls;
}

async function measure(calls: number): Promise<void> {
  stopRecording();
  run(calls); // warm-up
  const off = run(calls);
  await startRecording({ maxSpans: Number.MAX_SAFE_INTEGER });
  run(calls);
  const on = run(calls);
  await startRecording({ sample: 0 });
  const sampledOut = run(calls);
  stopRecording();
  takeSpans();
  console.log(`recordClientCall, ${calls} calls: off ${off.toFixed(1)} ns/call, on ${on.toFixed(0)} ns/call, on but sampled out ${sampledOut.toFixed(0)} ns/call`);
}

process.exitCode = await runScript(
  scriptCommand('bench-spans', 'ns per span-recording call: recorder off, on, and on but sampled out')
    .argument('[calls]', 'calls per measured run', positiveInt(1_000_000_000), 200_000)
    .action(measure),
);
