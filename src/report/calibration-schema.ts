import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { Calibration } from '../model/calibration.ts';
import { DateTime, type Assert, type Describes } from '../model/schema-parts.ts';

/**
 * interplay/calibration@1 (src/model/calibration.ts), as `interplay calibrate --json` prints
 * it. The type stays with the code that measures it; `CalibrationMatches` keeps the two in step.
 * The model divides by perSecond and cpuUsPerOp, so they must be positive.
 */

const positive = (description: string) => Type.Number({ exclusiveMinimum: 0, description });

const PrimitiveMeasureSchema = Type.Object({
  perSecond: positive('operations per second: the median of the per-interval samples'),
  cpuUsPerOp: positive('µs of CPU per operation, of every process the primitive runs on'),
  ops: Type.Integer({ minimum: 0, description: 'operations completed in the measured run' }),
  samples: Type.Integer({ minimum: 0, description: 'per-interval samples the medians come from' }),
  concurrency: Type.Integer({ minimum: 1, description: 'operations in flight at once' }),
  cpuOf: Type.String({ description: 'what the CPU covers, e.g. "client and server (one process)"' }),
});

const primitive = (description: string) => Type.Composite([PrimitiveMeasureSchema], { description });

export const CalibrationSchema = Type.Object(
  {
    schema: Type.Literal('interplay/calibration@1'),
    createdAt: DateTime('when the calibration was measured'),
    durationMs: Type.Number({ description: 'ms each primitive was measured' }),
    cores: positive('cores the ceiling model spreads CPU over (os.availableParallelism unless --cores)'),
    environment: Type.Object({
      node: Type.String(),
      cpuModel: Type.String(),
      cpuCount: Type.Integer({ minimum: 1 }),
      natsServer: Type.Union([Type.String(), Type.Null()]),
      loadAverage: Type.Number({ description: '1-minute load average when the calibration started: other work skews every number' }),
    }),
    primitives: Type.Object({
      hello: primitive("Fastify hello world driven by autocannon: the reference unit; CPU is the server's"),
      http: primitive("one service-to-service call: the project's Fastify app and undici service client"),
      jetstream: primitive('one JetStream publish → durable consume → ack'),
      sqlite: primitive('one payment-like SQLite commit in WAL (conditional UPDATE + INSERT)'),
    }),
  },
  {
    title: 'interplay/calibration@1',
    description: "This machine's primitives, as interplay calibrate --json prints them; the ceiling model reads them.",
  },
);

export type CalibrationMatches = Assert<Describes<Static<typeof CalibrationSchema>, Calibration>>;
