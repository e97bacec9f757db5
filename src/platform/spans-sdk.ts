import type { Context, SpanOptions, Span, Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { IdGenerator, ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** The part of spans.ts that needs the OpenTelemetry SDK, loaded only once a run records spans. */
export interface SpanSdk {
  /** starts a span of `service` with the ids the hot path already propagated (`own`), when it has them */
  startSpan(service: string, own: { readonly traceId: string; readonly parentId: string } | undefined, name: string, options: SpanOptions, context: Context): Span;
}

/** `onEnd` keeps each ended span until the recorder's caller takes them. */
export function spanSdk(onEnd: (span: ReadableSpan) => void): SpanSdk {
  const givenIds = new GivenIds();
  /** Keeps ended spans in memory until takeSpans(); writing them is the caller's choice of time and file. */
  const keeper: SpanProcessor = {
    onStart: () => undefined,
    onEnd,
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
  // One provider per service: `service.name` is a resource attribute, and inproc runs all services in one process.
  const tracers = new Map<string, Tracer>();
  const tracerOf = (service: string): Tracer => {
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
  };
  return {
    startSpan(service, own, name, options, context) {
      givenIds.set(own?.traceId, own?.parentId);
      return tracerOf(service).startSpan(name, options, context);
    },
  };
}

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
