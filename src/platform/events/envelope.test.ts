import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, EnvelopeOf, newEnvelope } from './envelope.ts';
import { newTraceparent } from './trace.ts';

const bytes = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

describe('envelope', () => {
  it('decode - accepts what newEnvelope makes, traceparent included', () => {
    const env = newEnvelope('order.created', { id: 'o1', version: 1 }, { traceparent: newTraceparent() });
    expect(decodeEnvelope(bytes(env))).toEqual({ ok: true, value: env });
  });

  it('decode - refuses non-JSON, a missing data field, a non-v7 id and a bad traceparent, saying why', () => {
    const env = newEnvelope('order.created', { id: 'o1' });
    const { data: _data, ...noData } = env;
    const results = [
      decodeEnvelope(new TextEncoder().encode('{oops')),
      decodeEnvelope(bytes(noData)),
      decodeEnvelope(bytes({ ...env, id: '6ba7b810-9dad-11d1-80b4-00c04fd430c8' })),
      decodeEnvelope(bytes({ ...env, traceparent: 'nope' })),
    ];
    expect(results.map((r) => (r.ok ? 'ok' : r.error.split(':')[0]))).toEqual([
      'not JSON',
      'invalid envelope',
      'invalid envelope',
      'invalid envelope',
    ]);
  });

  it('decode - with a data schema, refuses an envelope whose data does not match', () => {
    const check = TypeCompiler.Compile(EnvelopeOf(Type.Object({ id: Type.String(), version: Type.Integer() })));
    expect(decodeEnvelope(bytes(newEnvelope('order.created', { id: 'o1', version: 2 })), check).ok).toBe(true);
    const bad = decodeEnvelope(bytes(newEnvelope('order.created', { id: 'o1', version: 'two' })), check);
    expect(bad).toMatchObject({ ok: false, error: expect.stringContaining('/data/version') });
  });
});
