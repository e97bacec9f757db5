/** What the coupling analysis needs of a span, whichever tool recorded it. */
export type SpanKindName = 'internal' | 'server' | 'client' | 'producer' | 'consumer';

export type AttributeValue = string | number | boolean;

export interface ObservedSpan {
  /** 32 lower-case hex digits */
  readonly traceId: string;
  /** 16 lower-case hex digits */
  readonly spanId: string;
  /** absent for a root span */
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: SpanKindName;
  /** the resource attribute `service.name` */
  readonly service: string;
  /** epoch ms, fractional */
  readonly startMs: number;
  /** epoch ms, fractional */
  readonly endMs: number;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** status code ERROR */
  readonly error: boolean;
}

/** OTLP's SpanKind numbers (opentelemetry-proto trace.proto). */
export const SPAN_KIND_NAMES: readonly SpanKindName[] = ['internal', 'internal', 'server', 'client', 'producer', 'consumer'];
