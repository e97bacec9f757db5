import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { STYLES } from '../transports/wiring.ts';

/**
 * The part of interplay/compare@1 that a gate reads, as TypeBox: every field a metric of
 * report/metrics.ts maps onto, and the repeats. Other fields are allowed and not checked here
 * (parse.ts checks what the renderers read), so a baseline is refused only for what the gate needs.
 */
const Latency = Type.Object({ p50: Type.Number(), p90: Type.Number(), p99: Type.Number(), max: Type.Number() });

const StyleName = Type.Union(STYLES.map((s) => Type.Literal(s)));

export const GatedRunSchema = Type.Object({
  schema: Type.Literal('interplay/run@1'),
  style: StyleName,
  orders: Type.Object({ placed: Type.Number(), failed: Type.Number(), pending: Type.Number(), dropped: Type.Number() }),
  throughput: Type.Object({ offered: Type.Number(), accepted: Type.Number(), completed: Type.Number() }),
  latency: Type.Object({ accept: Latency, completion: Latency }),
  readLoad: Type.Object({ perOrder: Type.Number() }),
  messages: Type.Object({ perOrder: Type.Number(), bytesPerOrder: Type.Number() }),
  cost: Type.Object({ cpuMsPerOrder: Type.Number(), rssPeakBytes: Type.Number() }),
});

export const StyleRepeatsSchema = Type.Object({
  runs: Type.Integer({ minimum: 1 }),
  samples: Type.Record(Type.String(), Type.Array(Type.Number())),
});

export const GatedCompareSchema = Type.Object({
  schema: Type.Literal('interplay/compare@1'),
  createdAt: Type.String(),
  runs: Type.Array(GatedRunSchema, { minItems: 1 }),
  // keyed by style; a string key, since a union of literal keys would demand every style
  repeats: Type.Optional(Type.Record(Type.String(), StyleRepeatsSchema)),
});

export type GatedCompare = Static<typeof GatedCompareSchema>;
