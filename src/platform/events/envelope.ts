import { Type } from '@sinclair/typebox';
import type { Static, TSchema, TObject, TString, TOptional } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { TypeCheck } from '@sinclair/typebox/compiler';
import { v7 as uuidv7 } from 'uuid';
import { TRACEPARENT_PATTERN } from './trace.ts';

const UUID_V7 = '^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$';
const ISO_INSTANT = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$';

type EnvelopeProps<D extends TSchema> = {
  id: TString;
  type: TString;
  occurredAt: TString;
  traceparent: TOptional<TString>;
  data: D;
};

/**
 * The envelope around a given `data` schema. Both event styles use it: thin data is `{ id, version }`,
 * fat data is the state. Extra top-level fields are allowed so an older consumer tolerates a newer producer.
 */
export function EnvelopeOf<D extends TSchema>(data: D): TObject<EnvelopeProps<D>> {
  return Type.Object({
    id: Type.String({ pattern: UUID_V7, description: 'UUIDv7; also the Nats-Msg-Id' }),
    type: Type.String({ minLength: 1, description: 'e.g. order.created' }),
    occurredAt: Type.String({ pattern: ISO_INSTANT, description: 'ISO-8601 instant' }),
    traceparent: Type.Optional(Type.String({ pattern: TRACEPARENT_PATTERN })),
    data,
  });
}

export const EventEnvelope = EnvelopeOf(Type.Unknown());
/** The static shape of {@link EnvelopeOf}; `D` is the data's type. */
export interface EventEnvelope<D = unknown> {
  readonly id: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly traceparent?: string;
  readonly data: D;
}
export type EnvelopeOfStatic<D extends TSchema> = EventEnvelope<Static<D>>;

export const envelopeCheck: TypeCheck<typeof EventEnvelope> = TypeCompiler.Compile(EventEnvelope);

export interface NewEnvelopeOptions {
  readonly traceparent?: string;
  /** default: a fresh UUIDv7 */
  readonly id?: string;
  /** default: now */
  readonly occurredAt?: Date;
}

export function newEnvelope<D>(type: string, data: D, opts: NewEnvelopeOptions = {}): EventEnvelope<D> {
  return {
    id: opts.id ?? uuidv7(),
    type,
    occurredAt: (opts.occurredAt ?? new Date()).toISOString(),
    ...(opts.traceparent === undefined ? {} : { traceparent: opts.traceparent }),
    data,
  };
}

export type DecodeResult<D> = { ok: true; value: EventEnvelope<D> } | { ok: false; error: string };

/** Bytes → validated envelope; never throws. With `check`, `data` is validated too. */
export function decodeEnvelope<D = unknown>(
  bytes: Uint8Array,
  check: TypeCheck<TSchema> = envelopeCheck,
): DecodeResult<D> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    return { ok: false, error: `not JSON: ${(err as Error).message}` };
  }
  if (!check.Check(parsed)) {
    const first = check.Errors(parsed).First();
    return { ok: false, error: `invalid envelope: ${first ? `${first.path || '/'} ${first.message}` : 'schema mismatch'}` };
  }
  return { ok: true, value: parsed as EventEnvelope<D> };
}
