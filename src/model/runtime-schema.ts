import { Type, type Static } from '@sinclair/typebox';

/** What a bench or soak reads of a process's runtime (measure/engine/runtime-stats.ts), as JSON Schema. */

const loopDelay = Type.Union([Type.Object({ maxMs: Type.Number(), p99Ms: Type.Number() }), Type.Null()], {
  description: 'event-loop delay since the previous read (monitorEventLoopDelay), ms; null when it had no sample',
});
const heapUsedBytes = Type.Union([Type.Number(), Type.Null()], { description: 'bytes of V8 heap in use at the read' });

const Cumulative = Type.Object(
  { count: Type.Number(), sumS: Type.Number(), buckets: Type.Array(Type.Tuple([Type.Number(), Type.Number()])) },
  { description: 'a histogram so far: count, sum (s), and per bucket bound (s) the count at or below it' },
);

export const ProcessReadingSchema = Type.Object(
  {
    label: Type.String({ description: "'system' (inproc), 'gateway', 'order', 'order#2', 'load generator'" }),
    pid: Type.Number(),
    loopDelay,
    heapUsedBytes,
    gc: Type.Record(Type.String(), Cumulative, { description: 'GC pauses by kind (major, minor, incremental, weakcb)' }),
    checkpoints: Type.Record(Type.String(), Cumulative, { description: 'SQLite checkpoints by "database on thread"' }),
  },
  { description: "one process's runtime counters at one read" },
);

const Pauses = Type.Object(
  { count: Type.Number(), totalMs: Type.Number(), longestMs: Type.Number({ description: 'the bound of the longest pause\'s bucket: at most this' }) },
  { description: 'pauses of one kind in the window' },
);
const pausesOrNone = Type.Union([Pauses, Type.Null()]);

export const ProcessWindowSchema = Type.Object(
  {
    process: Type.String(),
    pid: Type.Number(),
    loopDelay,
    heapUsedBytes,
    gc: Type.Record(Type.String(), Pauses, { description: 'by kind; kinds with no pause left out' }),
    checkpoints: Type.Object(
      { worker: pausesOrNone, eventLoop: pausesOrNone },
      { description: 'SQLite checkpoints on the checkpoint thread and on the event loop; null where none ran' },
    ),
  },
  { description: 'one process over a window: event-loop delay, GC pauses by kind, SQLite checkpoints' },
);

