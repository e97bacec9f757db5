import { Type } from '@sinclair/typebox';
import type { Static, TArray, TNumber, TOptional } from '@sinclair/typebox';
import { STYLES } from './style.ts';
import { METRIC_NAMES, type MetricName } from './metric-names.ts';
import { DateTime, oneOf, type Frozen } from './schema-parts.ts';
import { ProcessWindowSchema } from './runtime-schema.ts';

/**
 * The result objects as TypeBox schemas. The TypeScript types are derived from them, so what the
 * code builds, what `interplay report` accepts and docs/schema/*.schema.json cannot drift apart.
 */

export const StyleSchema = oneOf(STYLES);

const count = (description?: string) => Type.Integer({ minimum: 0, ...(description === undefined ? {} : { description }) });
const ms = (description: string) => Type.Number({ description: `ms; ${description}` });

export const PercentilesSchema = Type.Object(
  {
    count: count('values recorded'),
    p50: ms('median'),
    p90: ms('90th percentile'),
    p99: ms('99th percentile'),
    p999: ms('99.9th percentile'),
    max: ms('largest value'),
  },
  { description: 'Latency percentiles in milliseconds, microsecond resolution, from an HDR histogram.' },
);

export const RunConfigSchema = Type.Object({
  style: StyleSchema,
  mode: oneOf(['open', 'closed']),
  rate: Type.Optional(Type.Number({ description: 'orders per second offered (open loop)' })),
  arrivals: Type.Optional(oneOf(['uniform', 'poisson'])),
  connections: Type.Optional(count('concurrent loops (closed loop)')),
  users: count(),
  seed: Type.Integer(),
  insufficient: Type.Number({ minimum: 0, maximum: 1, description: 'fraction of orders the user cannot afford' }),
  durationMs: ms('the measured window'),
  warmupMs: ms('sent before the window, left out of the statistics'),
  drainMs: ms('longest wait for answers and notifications after the window'),
  maxInflight: count('requests allowed open at once (open loop)'),
  argv: Type.Array(Type.String(), { description: 'the command line as given' }),
  store: Type.Optional(
    Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')], {
      description: 'where the services kept their tables; absent in runs made before there was a choice (SQLite)',
    }),
  ),
});

export const EnvironmentSchema = Type.Object({
  node: Type.String({ description: 'Node version, e.g. v20.19.0' }),
  natsServer: Type.Union([Type.String(), Type.Null()], { description: 'nats-server version; null when the style uses none' }),
  cpuModel: Type.String(),
  cpuCount: count(),
  totalMemoryBytes: count('bytes'),
  platform: Type.String(),
  topology: Type.String({ description: 'how the services run, e.g. "inproc: four services and the gateway in one child process"' }),
  storage: Type.String(),
  startedAt: DateTime('when the run started'),
});

export const ProcessCostSchema = Type.Object({
  cpuMs: Type.Number({ minimum: 0, description: 'ms of user + system CPU during the load' }),
  cpuMsPerOrder: Type.Number({ minimum: 0, description: 'ms of CPU per accepted order' }),
  rssPeakBytes: count('bytes; the most the process was resident'),
});

export const LinkCostSchema = Type.Object(
  {
    bytes: Type.Object(
      { forward: count('bytes from the caller to the target'), backward: count('bytes from the target back to the caller') },
      { description: 'bytes the link carried per direction from just before the load to after the drain' },
    ),
    bytesPerOrder: Type.Object({ forward: Type.Number({ minimum: 0 }), backward: Type.Number({ minimum: 0 }) }, { description: 'bytes per accepted order' }),
    connections: count('connections the link accepted in that time'),
    cpuMs: Type.Number({ minimum: 0, description: "ms of user + system CPU of the link's own process in that time" }),
    cpuMsPerOrder: Type.Number({ minimum: 0, description: 'ms of CPU per accepted order' }),
  },
  { description: 'One link (a TCP relay process between two services, or a service and the broker): what it carried and what it cost, never charged to a service.' },
);

export const TimelineSecondSchema = Type.Object(
  {
    t: count('seconds since the load started: this row covers [t, t + 1)'),
    offered: count('sends the schedule asked for (sent or dropped); closed loop: sent'),
    accepted: count('orders accepted (201)'),
    completed: count('notifications delivered to the bench\'s webhook'),
    acceptP50: Type.Union([Type.Number(), Type.Null()], {
      description: 'ms from intended send to response, of the orders accepted in this second; null when none were',
    }),
    acceptP99: Type.Union([Type.Number(), Type.Null()], { description: 'ms, as acceptP50' }),
  },
  { description: 'One second of a run, counted by when things happened (warm-up and drain included).' },
);

export const RunCeilingSchema = Type.Object(
  {
    heldRate: Type.Number({ description: 'orders per second held: the highest rate held with --find-max, else completed per second (at most offered)' }),
    ordersPerSecond: Type.Number({ description: "orders per second the model says this machine's cores could hold" }),
    efficiency: Type.Number({ description: 'heldRate / ordersPerSecond' }),
    modelCpuMsPerOrder: Type.Number({ description: 'CPU ms per order by the model' }),
    helloPerOrder: Type.Number({ description: "the run's measured CPU per order (cost.cpuMsPerOrder) in hello requests' worth of CPU" }),
    helloShare: Type.Number({ description: "heldRate / the hello server's requests per second" }),
    hops: Type.Object(
      { http: Type.Number(), messages: Type.Number(), commits: Type.Number() },
      { description: 'the hops the model counted per order: HTTP round trips, JetStream rounds, SQLite commits' },
    ),
    hopsFrom: oneOf(['run', 'known']),
    cores: Type.Number({ description: 'cores the model spreads CPU over' }),
    calibratedAt: DateTime('when the calibration was measured'),
  },
  { description: "A run against this machine's calibrated ceiling (see src/analyse/ceiling.ts for the model)." },
);

const bySubject = Type.Record(Type.String(), Type.Object({ messages: count(), bytes: count('bytes') }), {
  description: 'per subject: messages published and their payload bytes',
});

export const RunReportSchema = Type.Object(
  {
    schema: Type.Literal('interplay/run@1'),
    style: StyleSchema,
    config: RunConfigSchema,
    environment: EnvironmentSchema,
    orders: Type.Object({
      placed: count('accepted by POST /orders in the measured window'),
      paid: count(),
      rejected: count('refused payment: the user could not afford them'),
      pending: count('accepted, with no notification delivered by the end of the drain'),
      failed: count('answered with an error, or not answered; shed orders are not failures'),
      // Runs saved before the system shed load have no count: parse reads it as 0, none were.
      shed: Type.Optional(
        count('refused at once with 503 and Retry-After because the system was overloaded: never created, never charged; absent in older files (0)'),
      ),
      limited: Type.Optional(
        count('refused at once with 429 and Retry-After by a request limit per address or user (docs/limits.md): never created; absent in older files (0)'),
      ),
      dropped: count('sends skipped because --max-inflight requests were already open (open loop)'),
    }),
    throughput: Type.Object(
      { offered: Type.Number(), accepted: Type.Number(), completed: Type.Number() },
      {
        description:
          'per second over the measured window: orders scheduled, orders accepted (201), and notifications delivered during the window (of any order: with a backlog this is how fast orders really finish)',
      },
    ),
    latency: Type.Object({
      accept: Type.Composite([PercentilesSchema], { description: 'POST /orders, from the intended send time to its response' }),
      completion: Type.Composite([PercentilesSchema], {
        description: "from the intended send time to the user's notification arriving at the bench's webhook",
      }),
    }),
    histograms: Type.Object(
      { accept: Type.String(), completion: Type.String() },
      { description: 'encoded HDR histograms (microseconds), so runs can be merged and re-rendered' },
    ),
    readLoad: Type.Object(
      { total: count(), perOrder: Type.Number({ minimum: 0 }), byService: Type.Record(Type.String(), count()) },
      { description: 'service-to-service HTTP requests during the load, byService keyed "caller→target METHOD route"' },
    ),
    messages: Type.Object({
      total: count(),
      perOrder: Type.Number({ minimum: 0 }),
      bytesPerOrder: Type.Number({ minimum: 0, description: 'bytes' }),
      bySubject,
    }),
    cost: Type.Object(
      { cpuMsPerOrder: Type.Number({ minimum: 0 }), rssPeakBytes: count('bytes'), byService: Type.Record(Type.String(), ProcessCostSchema) },
      { description: 'CPU (ms) and peak memory (bytes); byService is per process, labelled with what runs in it' },
    ),
    errors: Type.Record(Type.String(), count(), { description: 'counts by kind: "http 503", "timeout", ...' }),
    timeline: Type.Optional(
      Type.Array(TimelineSecondSchema, {
        description: 'per second from the start of the load to the last notification; absent in runs saved before it existed',
      }),
    ),
    ceiling: Type.Optional(RunCeilingSchema),
    links: Type.Optional(
      Type.Record(Type.String(), LinkCostSchema, {
        description:
          'per link, keyed "from>to" ("order>billing", "order>nats"): bytes per direction and the link process\'s CPU (all links together are cost.byService.links); absent in runs without links and in older runs',
      }),
    ),
    runtime: Type.Optional(
      Type.Array(ProcessWindowSchema, {
        description: 'each process of the system and the load generator from just before the load to after the drain; absent for external systems and older runs',
      }),
    ),
  },
  { title: 'interplay/run@1', description: "The result of one style's run. Every renderer reads only this." },
);

const ratio = () => Type.Union([Type.Number(), Type.Null()]);

export const RatiosSchema = Type.Object(
  {
    acceptP99: ratio(),
    completionP50: ratio(),
    completionP99: ratio(),
    throughputCompleted: ratio(),
    readLoadPerOrder: ratio(),
    messagesPerOrder: ratio(),
    cpuMsPerOrder: ratio(),
  },
  { description: "each: this style's value divided by the REST run's; null where REST's value is 0" },
);

export const StyleRepeatsSchema = Type.Object(
  {
    runs: Type.Integer({ minimum: 1 }),
    samples: Type.Object(
      Object.fromEntries(METRIC_NAMES.map((name) => [name, Type.Optional(Type.Array(Type.Number()))])) as Record<MetricName, TOptional<TArray<TNumber>>>,
      { description: 'metric name (see src/report/metrics.ts) → one value per run, in run order; a file may predate a metric' },
    ),
  },
  { description: 'A style run several times (compare --repeat N): each gate metric\'s value in every run.' },
);

export const CompareReportSchema = Type.Object(
  {
    schema: Type.Literal('interplay/compare@1'),
    createdAt: DateTime('when the comparison was made'),
    runs: Type.Array(RunReportSchema, { minItems: 1, description: 'one per style; with repeats, the run whose completion p99 is the median' }),
    ratios: Type.Partial(Type.Record(StyleSchema, RatiosSchema), { description: "style → its value divided by the REST run's" }),
    repeats: Type.Optional(
      Type.Partial(Type.Record(StyleSchema, StyleRepeatsSchema), {
        description: 'per style, the spread of its repeated runs; absent in files written before repeats existed',
      }),
    ),
  },
  { title: 'interplay/compare@1', description: "The runs side by side, with each style's ratios against the REST run." },
);

export type Percentiles = Frozen<Static<typeof PercentilesSchema>>;
export type RunConfig = Frozen<Static<typeof RunConfigSchema>>;
export type Environment = Frozen<Static<typeof EnvironmentSchema>>;
export type ProcessCost = Frozen<Static<typeof ProcessCostSchema>>;
export type LinkCost = Frozen<Static<typeof LinkCostSchema>>;
export type TimelineSecond = Frozen<Static<typeof TimelineSecondSchema>>;
export type RunCeiling = Frozen<Static<typeof RunCeilingSchema>>;
/** interplay/run@1 as read and written: `orders.shed` is always there once parsed (see parse.ts) */
export type RunReport = Frozen<Static<typeof RunReportSchema> & { orders: { shed: number } }>;
export type Ratios = Frozen<Static<typeof RatiosSchema>>;
export type StyleRepeats = Frozen<Static<typeof StyleRepeatsSchema>>;
export type CompareReport = Frozen<Omit<Static<typeof CompareReportSchema>, 'runs'>> & { readonly runs: readonly RunReport[] };
