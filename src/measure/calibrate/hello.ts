import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { processUsage } from '../engine/proc.ts';
import { sampleIntervalMs } from './sampler.ts';

export interface HelloOptions {
  /** ms measured */
  readonly durationMs: number;
  /** autocannon connections; default 10, autocannon's own default */
  readonly connections?: number;
}

export interface HelloMeasure {
  /** requests per second, median of autocannon's per-interval samples */
  readonly perSecond: number;
  /** µs of the server's CPU per request, over the whole run */
  readonly cpuUsPerOp: number;
  readonly ops: number;
  readonly samples: number;
}

/** compiled (dist/) this module sits next to hello-server.js, which plain Node runs; in src/ it needs tsx */
const COMPILED = import.meta.url.endsWith('.js');
const SERVER = fileURLToPath(new URL(COMPILED ? './hello-server.js' : './hello-server.ts', import.meta.url));
/** ms; a JIT warm-up of the server, not counted: tens of thousands of requests at hello's rate */
const WARMUP_MS = 1000;
/** ms a fresh Node process may take to listen on a loaded 2-core machine before we give up */
const START_TIMEOUT_MS = 15_000;

/**
 * Fastify's hello world in a child process, driven by autocannon from this one: the rate this
 * machine's Node serves the cheapest possible request at, and the server's CPU for each.
 * It is the unit the other numbers are expressed in ("hello requests' worth").
 */
export async function measureHello(opts: HelloOptions): Promise<HelloMeasure> {
  // From the sources the child runs TypeScript like the CLI does: tsx's loader, named by file URL so any working directory works.
  const execArgv = COMPILED ? [] : ['--import', import.meta.resolve('tsx')];
  const child = fork(SERVER, [], { execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the hello server did not listen within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      child.once('message', (m) => {
        clearTimeout(timer);
        resolve((m as { port: number }).port);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the hello server exited with code ${code} before it listened`));
      });
    });
    const url = `http://127.0.0.1:${port}/`;
    const connections = opts.connections ?? 10;
    await autocannon({ url, connections, duration: WARMUP_MS / 1000 });
    const interval = sampleIntervalMs(opts.durationMs);
    const before = await processUsage(child.pid ?? -1);
    const result = await autocannon({ url, connections, duration: opts.durationMs / 1000, sampleInt: interval });
    const after = await processUsage(child.pid ?? -1);
    if (!before || !after) throw new Error('the hello server exited during the run');
    const ops = result.requests.total;
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`the hello server failed ${result.non2xx + result.errors} of ${ops} requests`);
    // autocannon's per-interval request counts: requests.p50 is their median.
    const perSecond = Number.isFinite(result.requests.p50) && result.requests.p50 > 0 ? (result.requests.p50 * 1000) / interval : ops / result.duration;
    return { perSecond, cpuUsPerOp: ops > 0 ? ((after.cpuMs - before.cpuMs) * 1000) / ops : Number.NaN, ops, samples: Math.round(opts.durationMs / interval) };
  } finally {
    child.kill();
  }
}
