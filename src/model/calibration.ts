/** What one primitive sustains on this machine at saturation. */
export interface PrimitiveMeasure {
  /** operations per second: the median of the per-interval samples */
  readonly perSecond: number;
  /** µs of CPU per operation, of every process the primitive runs on */
  readonly cpuUsPerOp: number;
  /** operations completed in the measured run */
  readonly ops: number;
  /** per-interval samples the medians come from */
  readonly samples: number;
  /** operations in flight at once */
  readonly concurrency: number;
  /** what the CPU covers, e.g. "client and server (one process)" */
  readonly cpuOf: string;
}

/** The primitives an order is made of, measured on this machine. */
export interface Primitives {
  /** Fastify hello world driven by autocannon: the reference unit; CPU is the server's */
  readonly hello: PrimitiveMeasure;
  /** one service-to-service call: the project's Fastify app and undici service client */
  readonly http: PrimitiveMeasure;
  /** one JetStream publish → durable consume → ack */
  readonly jetstream: PrimitiveMeasure;
  /** one payment-like SQLite commit in WAL (conditional UPDATE + INSERT) */
  readonly sqlite: PrimitiveMeasure;
}

export type PrimitiveName = keyof Primitives;
export const PRIMITIVES: readonly PrimitiveName[] = ['hello', 'http', 'jetstream', 'sqlite'];

/** interplay/calibration@1: this machine's primitives, as `interplay calibrate --json` prints them. */
export interface Calibration {
  readonly schema: 'interplay/calibration@1';
  readonly createdAt: string;
  /** ms each primitive was measured */
  readonly durationMs: number;
  /** cores the ceiling model spreads CPU over (os.availableParallelism unless --cores) */
  readonly cores: number;
  readonly environment: {
    readonly node: string;
    readonly cpuModel: string;
    readonly cpuCount: number;
    readonly natsServer: string | null;
    /** 1-minute load average when the calibration started: other work skews every number */
    readonly loadAverage: number;
  };
  readonly primitives: Primitives;
}
