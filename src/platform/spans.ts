import { writeFileSync, renameSync } from 'node:fs';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Attributes, type Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { IdGenerator, ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { parseTraceparent } from './events/trace.ts';

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

export function startRecording(opts: RecordingOptions = {}): void {
  const sample = opts.sample ?? 1;
  if (!(sample >= 0 && sample <= 1)) throw new RangeError(`sample must be within 0..1, got ${sample}`);
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
export function writeOtlpJson(file: string, spans: readonly ReadableSpan[]): void {
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
  givenIds.set(own?.traceId, own?.parentId);
  const span = tracerOf(service).startSpan(name, { kind, attributes, startTime: startMs }, context);
  if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end(endMs);
}

const sampled = (traceId: string): boolean => sampleBelow >= 2 ** 32 || parseInt(traceId.slice(24), 16) < sampleBelow;

/**
 * Hands the SDK the ids the hot path already propagated. startSpan asks for them synchronously,
 * right after `set`, so no other span can take them in between.
 */
class GivenIds implements IdGenerator {
  private readonly random = new RandomHex();
  private traceId: string | undefined;
  private spanId: string | undefined;
  set(traceId: string | undefined, spanId: string | undefined): void {
    this.traceId = traceId;
    this.spanId = spanId;
  }
  generateTraceId(): string {
    const id = this.traceId ?? this.random.hex(16);
    this.traceId = undefined;
    return id;
  }
  generateSpanId(): string {
    const id = this.spanId ?? this.random.hex(8);
    this.spanId = undefined;
    return id;
  }
}

class RandomHex {
  hex(bytes: number): string {
    let out = '';
    for (let i = 0; i < bytes * 2; i++) out += ((Math.random() * 16) | 0).toString(16);
    return /^0+$/.test(out) ? this.hex(bytes) : out;
  }
}

/** Keeps ended spans in memory until takeSpans(); writing them is the caller's choice of time and file. */
const keeper: SpanProcessor = {
  onStart: () => undefined,
  onEnd: (span) => void finished.push(span),
  forceFlush: async () => undefined,
  shutdown: async () => undefined,
};

const givenIds = new GivenIds();
// One provider per service: `service.name` is a resource attribute, and inproc runs all services in one process.
const tracers = new Map<string, Tracer>();

function tracerOf(service: string): Tracer {
  let tracer = tracers.get(service);
  if (!tracer) {
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service }),
      idGenerator: givenIds,
      sampler: new AlwaysOnSampler(),
      spanProcessors: [keeper],
    });
    tracer = provider.getTracer('interplay');
    tracers.set(service, tracer);
  }
  return tracer;
}
