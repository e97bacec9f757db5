export { now } from './clock.ts';
export { createRandom } from '../model/random.ts';
export { arrivalOffsets, scheduleOffsets, validateSchedule } from './schedule.ts';
export { LatencyHistogram } from './histogram.ts';
export { runLoad } from './engine.ts';
export { validateLoad } from './load-options.ts';
export { startSink } from './sink.ts';
export { createJsonClient } from './http-client.ts';

export type { Random } from '../model/random.ts';
export type { Arrivals, ScheduleOptions } from './schedule.ts';
export type { LatencySummary } from './histogram.ts';
export type {
  ClosedLoadOptions,
  CompletionInfo,
  LoadDurations,
  LoadEvents,
  LoadOptions,
  LoadResult,
  OpenLoadOptions,
  RequestContext,
} from './load-options.ts';
export type { LoadRun } from './engine.ts';
export type { LoadCounts, LoadResponse, LoadTick, WarmupCounts } from './tally.ts';
export type { Delivery, DeliverySink, SinkOptions, WaitResult } from './sink.ts';
export type { JsonClient, JsonClientOptions, JsonRequest, JsonResponse } from './http-client.ts';
