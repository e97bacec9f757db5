import { availableParallelism, cpus, loadavg } from 'node:os';
import { resolveNats } from '../../runtime/nats-server.ts';
import { measureHello } from './hello.ts';
import { measureHttpRoundTrip } from './http.ts';
import { measureJetStreamRound } from './jetstream.ts';
import type { Saturation } from './sampler.ts';
import type { Calibration, PrimitiveMeasure, PrimitiveName } from '../../model/calibration.ts';
import { measureSqliteCommit } from './sqlite.ts';

export interface CalibrateOptions {
  /** ms each primitive is measured; default 3000 */
  readonly durationMs?: number;
  /** NATS for the JetStream round; default NATS_URL, else a private nats-server started and stopped here */
  readonly natsUrl?: string;
  /** cores the ceiling model spreads CPU over; default os.availableParallelism() */
  readonly cores?: number;
  /** called before each primitive is measured, for progress */
  readonly onPrimitive?: (name: PrimitiveName) => void;
}

const HTTP_CONCURRENCY = 4;
const JETSTREAM_CONCURRENCY = 16;
const HELLO_CONNECTIONS = 10;

/**
 * Measures this machine's primitives one after the other (never at once: each would take CPU from
 * the other): the hello reference, a service-to-service HTTP call, a JetStream round and a SQLite commit.
 */
export async function calibrate(opts: CalibrateOptions = {}): Promise<Calibration> {
  const durationMs = opts.durationMs ?? 3000;
  const createdAt = new Date().toISOString();
  const [loadAverage = 0] = loadavg();
  opts.onPrimitive?.('hello');
  const hello = await measureHello({ durationMs, connections: HELLO_CONNECTIONS });
  opts.onPrimitive?.('http');
  const http = await measureHttpRoundTrip({ durationMs, concurrency: HTTP_CONCURRENCY });
  opts.onPrimitive?.('jetstream');
  const nats = await resolveNats({ url: opts.natsUrl });
  let jetstream;
  try {
    jetstream = await measureJetStreamRound({ durationMs, natsUrl: nats.url, natsPid: nats.pid, concurrency: JETSTREAM_CONCURRENCY });
  } finally {
    await nats.stop();
  }
  opts.onPrimitive?.('sqlite');
  const sqlite = await measureSqliteCommit({ durationMs });
  return {
    schema: 'interplay/calibration@1',
    createdAt,
    durationMs,
    cores: opts.cores ?? availableParallelism(),
    environment: {
      node: process.version,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      cpuCount: cpus().length,
      natsServer: jetstream.serverVersion,
      loadAverage,
    },
    primitives: {
      hello: { ...hello, concurrency: HELLO_CONNECTIONS, cpuOf: 'the hello server (its own process)' },
      http: measure(http, HTTP_CONCURRENCY, 'client and server (one process, as in inproc)'),
      jetstream: measure(
        jetstream,
        JETSTREAM_CONCURRENCY,
        jetstream.brokerCpuCounted ? 'publisher, consumer and nats-server' : 'publisher and consumer (the broker is not ours to measure)',
      ),
      sqlite: measure(sqlite, 1, 'the writer (one connection)'),
    },
  };
}

const measure = (s: Saturation, concurrency: number, cpuOf: string): PrimitiveMeasure => ({
  perSecond: s.perSecond,
  cpuUsPerOp: s.cpuUsPerOp,
  ops: s.ops,
  samples: s.samples.length,
  concurrency,
  cpuOf,
});

export type { Calibration, PrimitiveMeasure, PrimitiveName, Primitives } from '../../model/calibration.ts';
export { PRIMITIVES } from '../../model/calibration.ts';
