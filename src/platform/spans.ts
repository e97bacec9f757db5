import { writeFileSync, renameSync } from 'node:fs';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { parseTraceparent } from './events/trace.ts';
import type { SpanSdk } from './spans-sdk.ts';

/**
 * Span recorder for the coupling analysis. Off by default: every record function starts with one
 * boolean check, so the hot paths pay nothing unless a run asks for spans (`explain`, or a sample of
 * orders). Spans are recorded after the fact (start and end times given), one line per call site.
 *
 * Ids: the hot paths already mint W3C traceparents (a request's own, an event's envelope), and the
 * next hop names them as its parent. A recorded span must carry that same id or the tree breaks, so
 * each record function takes `self`, the traceparent this span propagated downstream, beside
 * `traceparent`, the one it continued. Without `self` the span gets a fresh id in its parent's trace.
 */
export interface RecordingOptions {
  /** fraction of traces recorded, 0..1, decided from the trace id so every process agrees; default 1 */
  readonly sample?: number;
  /** spans kept in memory at most, a bound for long runs; the rest are counted as dropped; default 200000 */
  readonly maxSpans?: number;
}

let recording = false;
// Compared with the trace id's last 32 bits: W3C level 2 makes those the random part of a trace id.
let sampleBelow = 2 ** 32;
let maxSpans = 200_000;
let dropped = 0;
const finished: ReadableSpan[] = [];
// The OpenTelemetry SDK, loaded by the first startRecording: ~15 MiB and a third of a second that a
// service process, which never records, does not pay at start.
let sdk: SpanSdk | undefined;

export async function startRecording(opts: RecordingOptions = {}): Promise<void> {
  const sample = opts.sample ?? 1;
  if (!(sample >= 0 && sample <= 1)) throw new RangeError(`sample must be within 0..1, got ${sample}`);
  sdk ??= (await import('./spans-sdk.ts')).spanSdk((span) => void finished.push(span));
  sampleBelow = sample * 2 ** 32;
  maxSpans = opts.maxSpans ?? 200_000;
  recording = true;
}

export function stopRecording(): void {
  recording = false;
}

export const isRecording = (): boolean => recording;

/** The spans recorded so far, removed from the recorder, and how many were dropped over maxSpans. */
export function takeSpans(): { spans: ReadableSpan[]; dropped: number } {
  const out = { spans: finished.splice(0), dropped };
  dropped = 0;
  return out;
}

/** Writes spans as one OTLP/JSON ExportTraceServiceRequest; via a temporary file so readers never see half. */
export async function writeOtlpJson(file: string, spans: readonly ReadableSpan[]): Promise<void> {
  const { JsonTraceSerializer } = await import('@opentelemetry/otlp-transformer');
  const bytes = JsonTraceSerializer.serializeRequest([...spans]);
  if (!bytes) throw new Error('the OTLP serializer returned nothing');
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
}

/** An HTTP request this service answered. `status`: the response's code. */
export function recordServerSpan(
  service: string, method: string, route: string, traceparent: string | undefined,
  startMs: number, endMs: number, status: number, self?: string,
): void {
  if (!recording) return;
  const attributes = { 'http.request.method': method, 'http.route': route, 'http.response.status_code': status };
  // Semantic conventions: a server span is an error only for 5xx; a 4xx is the client's mistake.
  record(service, `${method} ${route}`, SpanKind.SERVER, traceparent, self, startMs, endMs, attributes, status >= 500);
}

/** A call to another service. `status`: the response's code, or an error type when none came (e.g. a timeout code). */
export function recordClientCall(
  caller: string, callee: string, method: string, route: string, traceparent: string | undefined,
  startMs: number, endMs: number, status: number | string, self?: string,
): void {
  if (!recording) return;
  const attributes: Attributes = { 'http.request.method': method, 'http.route': route, 'peer.service': callee };
  if (typeof status === 'number') attributes['http.response.status_code'] = status;
  else attributes['error.type'] = status;
  const failed = typeof status === 'string' || status >= 400;
  record(caller, `${method} ${route}`, SpanKind.CLIENT, traceparent, self, startMs, endMs, attributes, failed);
}

/** A message handed to NATS (the outbox relay's publish). `subject` without the run's namespace. */
export function recordPublish(
  service: string, subject: string, traceparent: string | undefined, startMs: number, endMs: number, self?: string,
): void {
  if (!recording) return;
  const attributes = {
    'messaging.system': 'nats', 'messaging.destination.name': subject,
    'messaging.operation.type': 'send', 'messaging.operation.name': 'publish',
  };
  record(service, `publish ${subject}`, SpanKind.PRODUCER, traceparent, self, startMs, endMs, attributes, false);
}

/** A message processed by a durable consumer. `failed`: the handler asked for a retry or the dead letters. */
export function recordConsume(
  service: string, subject: string, durable: string, traceparent: string | undefined,
  startMs: number, endMs: number, self?: string, failed = false,
): void {
  if (!recording) return;
  const attributes = {
    'messaging.system': 'nats', 'messaging.destination.name': subject, 'messaging.consumer.group.name': durable,
    'messaging.operation.type': 'process', 'messaging.operation.name': 'process',
  };
  record(service, `process ${subject}`, SpanKind.CONSUMER, traceparent, self, startMs, endMs, attributes, failed);
}

function record(
  service: string, name: string, kind: SpanKind, traceparent: string | undefined, self: string | undefined,
  startMs: number, endMs: number, attributes: Attributes, failed: boolean,
): void {
  // Sampled-out traces leave before any parsing: the trace id sits at a fixed place in a traceparent.
  const quickTraceId = (self ?? traceparent)?.slice(3, 35);
  if (quickTraceId !== undefined && quickTraceId.length === 32 && !sampled(quickTraceId)) return;
  const own = parseTraceparent(self);
  let parent = parseTraceparent(traceparent);
  // A parent from another trace cannot be ours: the children already point at `self`'s trace.
  if (own && parent && parent.traceId !== own.traceId) parent = undefined;
  const traceId = own?.traceId ?? parent?.traceId;
  if (traceId !== undefined && !sampled(traceId)) return;
  if (finished.length >= maxSpans) {
    dropped += 1;
    return;
  }
  const context = parent
    ? trace.setSpanContext(ROOT_CONTEXT, { traceId: parent.traceId, spanId: parent.parentId, traceFlags: TraceFlags.SAMPLED, isRemote: true })
    : ROOT_CONTEXT;
  // recording is only ever true after startRecording loaded the SDK
  const span = sdk!.startSpan(service, own, name, { kind, attributes, startTime: startMs }, context);
  if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end(endMs);
}

const sampled = (traceId: string): boolean => sampleBelow >= 2 ** 32 || parseInt(traceId.slice(24), 16) < sampleBelow;

