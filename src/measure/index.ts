export { now } from './engine/clock.ts';
export { createRandom } from '../model/random.ts';
export { arrivalOffsets, scheduleOffsets, validateSchedule } from './engine/schedule.ts';
export { LatencyHistogram } from './engine/histogram.ts';
export { runLoad } from './engine/engine.ts';
export { validateLoad } from './engine/load-options.ts';
export { startSink } from './engine/sink.ts';
export { createJsonClient } from './engine/http-client.ts';

export type { Random } from '../model/random.ts';
export type { Arrivals, ScheduleOptions } from './engine/schedule.ts';
export type { LatencySummary } from './engine/histogram.ts';
export type {
  ClosedLoadOptions,
  CompletionInfo,
  LoadDurations,
  LoadEvents,
  LoadOptions,
  LoadResult,
  OpenLoadOptions,
  RequestContext,
} from './engine/load-options.ts';
export type { LoadRun } from './engine/engine.ts';
export type { LoadCounts, LoadResponse, LoadTick, WarmupCounts } from './engine/tally.ts';
export type { Delivery, DeliverySink, SinkOptions, WaitResult } from './engine/sink.ts';
export type { JsonClient, JsonClientOptions, JsonRequest, JsonResponse } from './engine/http-client.ts';
