import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { RawRun } from '../measure/bench/raw.ts';
import { EnvironmentSchema, RunConfigSchema, StyleSchema } from '../model/schema.ts';
import { DateTime, oneOf, type Assert, type Describes } from '../model/schema-parts.ts';
import { ProcessReadingSchema } from '../model/runtime-schema.ts';

/**
 * interplay/raw@1 (src/measure/bench/raw.ts), as bench and compare save it in raw/<label>.json. The type
 * stays in measure with the code that collects it; `RawRunMatches` keeps the two in step.
 */

const count = () => Type.Integer({ minimum: 0 });
const counts = (description: string) => Type.Record(Type.String(), count(), { description });
const ms = (description: string) => Type.Number({ description: `ms; ${description}` });

const LatencySummarySchema = Type.Object(
  { count: count(), mean: Type.Number(), p50: Type.Number(), p90: Type.Number(), p99: Type.Number(), p999: Type.Number(), max: Type.Number() },
  { description: 'ms' },
);

const LoadResultSchema = Type.Object(
  {
    mode: oneOf(['open', 'closed']),
    startedAt: DateTime('wall-clock start of the load'),
    offered: Type.Number({ description: 'per s over the measured window: open, arrivals scheduled; closed, requests sent' }),
    sendRate: Type.Number({ description: 'per s: requests actually sent in the measured window' }),
    throughput: Type.Number({ description: 'per s: completions that happened during the measured window' }),
    accept: Type.Composite([LatencySummarySchema], { description: 'ms from intended send to response, responses with status < 400 only' }),
    acceptHistogram: Type.String({ description: '`accept` as an encoded HdrHistogram (µs)' }),
    sendLag: Type.Composite([LatencySummarySchema], { description: "ms from intended to actual send: the generator's own lag (0 in closed mode)" }),
    warmup: Type.Object({ sent: count(), dropped: count(), completed: count() }, { description: 'requests whose intended time fell in the warm-up' }),
    durations: Type.Object(
      {
        warmupMs: ms('the warm-up'),
        plannedMs: ms('planned measured window'),
        measuredMs: ms('actual measured window: shorter if stopped early'),
        drainMs: ms('from the end of the window until the last request finished or the drain deadline'),
        totalMs: ms('from start to result'),
      },
    ),
    stopped: Type.Boolean({ description: 'true if the window was ended early' }),
    scheduled: count(),
    sent: count(),
    dropped: count(),
    completed: count(),
    ok: count(),
    errors: count(),
    unfinished: count(),
    byStatus: counts('every response status, as { "202": 9870, "503": 12 }'),
    errorsByStatus: counts('the statuses >= 400 of byStatus'),
    byKind: counts('responses that carried a kind'),
    errorsByKind: counts("rejected requests by the error's code, else its name"),
  },
  { description: "the load engine's counts and summaries of the measured window" },
);

const ProcessUsageSchema = Type.Object({
  cpuMs: Type.Number({ description: 'ms of user + system CPU so far' }),
  rssBytes: count(),
  rssPeakBytes: count(),
});

const LinkReadingSchema = Type.Object(
  {
    name: Type.String({ description: '"order>billing"' }),
    pid: Type.Number(),
    forward: count(),
    backward: count(),
    connections: count(),
    cpuMs: Type.Number({ description: 'ms of user + system CPU so far' }),
  },
  { description: "one link process's counts since it started (bytes per direction, connections) and its CPU" },
);

const processes = Type.Record(Type.String(), ProcessUsageSchema);
const series = Type.Array(Type.Tuple([Type.String(), Type.Number()]));

export const RawRunSchema = Type.Object(
  {
    schema: Type.Literal('interplay/raw@1'),
    style: StyleSchema,
    config: RunConfigSchema,
    environment: EnvironmentSchema,
    load: LoadResultSchema,
    timelineOrigin: ms("the run's clock when the load began: second 0 of the timeline"),
    windowStart: ms("the measured window's start: the first intended send after the warm-up"),
    orders: Type.Array(
      Type.Object({ id: Type.String(), intendedAt: Type.Number(), answeredAt: Type.Number(), warmup: Type.Boolean() }),
      { description: "every order the system accepted (201), on the run's clock (ms); warmup: left out of the statistics" },
    ),
    deliveries: Type.Array(
      Type.Object({ orderId: Type.String(), type: Type.Optional(Type.String()), receivedAt: Type.Number() }),
      { description: "the first notification the sink received for each order, on the run's clock (ms)" },
    ),
    failures: counts('requests that failed in the measured window, by kind (http 500, ECONNRESET, …)'),
    shed: count(),
    limited: Type.Optional(count()),
    ticks: Type.Array(
      Type.Object({
        phase: oneOf(['warmup', 'measure', 'drain']),
        elapsedMs: ms('since the run started'),
        sent: count(),
        completed: count(),
        inflight: count(),
        dropped: count(),
        errors: count(),
        rateLastSecond: Type.Number({ description: 'completions per second over the last tick interval' }),
      }),
    ),
    metrics: Type.Object(
      { before: series, after: series },
      { description: 'counter values by series key, before and after the window' },
    ),
    processes: Type.Object(
      { before: processes, after: processes },
      { description: 'CPU and memory per measured process (replicas of one service added up), before and after' },
    ),
    links: Type.Optional(
      Type.Object(
        { before: Type.Array(LinkReadingSchema), after: Type.Array(LinkReadingSchema) },
        { description: 'each link process just before the load and after the drain; absent in runs without links and in older runs' },
      ),
    ),
    runtime: Type.Optional(
      Type.Object(
        { before: Type.Array(ProcessReadingSchema), after: Type.Array(ProcessReadingSchema) },
        { description: "each process's runtime just before the load and after the drain; absent for external systems and older runs" },
      ),
    ),
  },
  {
    title: 'interplay/raw@1',
    description: 'Everything a bench saw, before any statistic; aggregate(raw) makes the interplay/run@1 result from it alone.',
  },
);

export type RawRunMatches = Assert<Describes<Static<typeof RawRunSchema>, RawRun>>;
