import { readFileSync } from 'node:fs';
import { err, ok, type Result } from '../model/result.ts';
import { SPAN_KIND_NAMES, type AttributeValue, type ObservedSpan, type SpanKindName } from './observed-span.ts';

/**
 * Reads OTLP/JSON trace exports back into plain spans: ours (JsonTraceSerializer) and other tools'.
 * Lenient on purpose: ids in hex or base64 (the proto3 JSON mapping), times as strings, numbers or
 * {low, high}, kinds as numbers or enum names, one request per file or one per line (the collector's
 * file exporter). A span without ids or times is skipped, not fatal.
 */
export class OtlpReadError extends Error {
  override readonly name = 'OtlpReadError';
  readonly code = 'SPANS.NOT_OTLP_JSON';
}

/** A file path, or the JSON text itself when it starts with `{`. */
export function readOtlpJson(fileOrText: string): Result<ObservedSpan[], OtlpReadError> {
  if (fileOrText.trimStart().startsWith('{')) return parseOtlpJson(fileOrText);
  let text: string;
  try {
    text = readFileSync(fileOrText, 'utf8');
  } catch (cause) {
    return err(new OtlpReadError(`cannot read ${fileOrText}`, { cause }));
  }
  return parseOtlpJson(text);
}

export function parseOtlpJson(text: string): Result<ObservedSpan[], OtlpReadError> {
  const requests: unknown[] = [];
  try {
    requests.push(JSON.parse(text));
  } catch {
    try {
      for (const line of text.split('\n')) if (line.trim() !== '') requests.push(JSON.parse(line));
    } catch (cause) {
      return err(new OtlpReadError('not JSON, nor JSON lines', { cause }));
    }
  }
  if (!requests.every((r) => isObject(r) && Array.isArray(r.resourceSpans))) {
    return err(new OtlpReadError('no resourceSpans: not an OTLP/JSON trace export'));
  }
  const spans: ObservedSpan[] = [];
  for (const request of requests as { resourceSpans: unknown[] }[]) {
    for (const rs of request.resourceSpans) {
      if (!isObject(rs)) continue;
      const resource = attributesOf(isObject(rs.resource) ? rs.resource.attributes : undefined);
      const service = typeof resource['service.name'] === 'string' ? resource['service.name'] : 'unknown_service';
      // instrumentationLibrarySpans: the name before OTLP 0.15, still written by old exporters.
      const scopes = arrayOf(rs.scopeSpans ?? rs.instrumentationLibrarySpans);
      for (const scope of scopes) {
        for (const raw of arrayOf(isObject(scope) ? scope.spans : undefined)) {
          const span = spanOf(raw, service);
          if (span) spans.push(span);
        }
      }
    }
  }
  return ok(spans);
}

function spanOf(raw: unknown, service: string): ObservedSpan | undefined {
  if (!isObject(raw)) return undefined;
  const traceId = idOf(raw.traceId, 16);
  const spanId = idOf(raw.spanId, 8);
  const startMs = nanosToMs(raw.startTimeUnixNano);
  const endMs = nanosToMs(raw.endTimeUnixNano) ?? startMs;
  if (!traceId || !spanId || startMs === undefined || endMs === undefined) return undefined;
  const status = isObject(raw.status) ? raw.status.code : undefined;
  return {
    traceId,
    spanId,
    parentSpanId: idOf(raw.parentSpanId, 8),
    name: typeof raw.name === 'string' ? raw.name : '',
    kind: kindOf(raw.kind),
    service,
    startMs,
    endMs,
    attributes: attributesOf(raw.attributes),
    error: status === 2 || status === 'STATUS_CODE_ERROR',
  };
}

function kindOf(kind: unknown): SpanKindName {
  if (typeof kind === 'number') return SPAN_KIND_NAMES[kind] ?? 'internal';
  if (typeof kind === 'string') {
    const name = kind.replace(/^SPAN_KIND_/, '').toLowerCase();
    if (SPAN_KIND_NAMES.includes(name as SpanKindName)) return name as SpanKindName;
  }
  return 'internal';
}

/** Hex as OTLP/JSON specifies; base64 as a generic proto3 JSON encoder writes. All-zero means absent. */
function idOf(value: unknown, bytes: number): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  let hex = value.toLowerCase();
  if (!new RegExp(`^[0-9a-f]{${bytes * 2}}$`).test(hex)) {
    const decoded = Buffer.from(value, 'base64');
    if (decoded.length !== bytes) return undefined;
    hex = decoded.toString('hex');
  }
  return /^0+$/.test(hex) ? undefined : hex;
}

function nanosToMs(value: unknown): number | undefined {
  if (typeof value === 'string' && /^\d+$/.test(value)) {
    const nanos = BigInt(value);
    return Number(nanos / 1000n) / 1000;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return value / 1e6;
  if (isObject(value) && typeof value.low === 'number' && typeof value.high === 'number') {
    return ((value.high >>> 0) * 2 ** 32 + (value.low >>> 0)) / 1e6;
  }
  return undefined;
}

function attributesOf(list: unknown): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const kv of arrayOf(list)) {
    if (!isObject(kv) || typeof kv.key !== 'string' || !isObject(kv.value)) continue;
    const v = kv.value;
    if (typeof v.stringValue === 'string') out[kv.key] = v.stringValue;
    else if (typeof v.boolValue === 'boolean') out[kv.key] = v.boolValue;
    else if (v.intValue !== undefined && Number.isFinite(Number(v.intValue))) out[kv.key] = Number(v.intValue);
    else if (typeof v.doubleValue === 'number') out[kv.key] = v.doubleValue;
  }
  return out;
}

const arrayOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
