import { describe, expect, it } from 'vitest';
import { fromNatsHeaders, toNatsHeaders } from './nats-headers.ts';
import { childTraceparent, newTraceparent, parseTraceparent, traceparentOf } from './trace.ts';

describe('traceparent', () => {
  it('newTraceparent - makes a valid sampled version-00 header', () => {
    const tp = parseTraceparent(newTraceparent());
    expect(tp).toMatchObject({ version: '00', flags: '01' });
  });

  it('childTraceparent - keeps the trace id and flags, changes the span id', () => {
    const parent = newTraceparent();
    const child = childTraceparent(parent);
    expect(parseTraceparent(child)?.traceId).toBe(parseTraceparent(parent)?.traceId);
    expect(parseTraceparent(child)?.parentId).not.toBe(parseTraceparent(parent)?.parentId);
  });

  it('childTraceparent - starts a new trace when the parent is missing or invalid', () => {
    expect(parseTraceparent(childTraceparent(undefined))).toBeDefined();
    expect(parseTraceparent(childTraceparent('garbage'))).toBeDefined();
  });

  it('parseTraceparent - refuses zero ids, version ff, upper case and trailing data on version 00', () => {
    const ok = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(parseTraceparent(ok)).toBeDefined();
    for (const bad of [
      `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
      `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`,
      ok.replace(/^00/, 'ff'),
      ok.toUpperCase(),
      `${ok}-extra`,
    ]) {
      expect(parseTraceparent(bad), bad).toBeUndefined();
    }
    expect(parseTraceparent(`01${ok.slice(2)}-future`)).toBeDefined();
  });

  it('headers - round-trip through NATS headers and find traceparent case-insensitively', () => {
    const tp = newTraceparent();
    const back = fromNatsHeaders(toNatsHeaders({ traceparent: tp, 'X-Note': 'a\r\nb' }));
    expect(back).toEqual({ traceparent: tp, 'X-Note': 'a b' });
    expect(traceparentOf({ TraceParent: tp })).toBe(tp);
    expect(toNatsHeaders({})).toBeUndefined();
  });
});

describe('traceparent ids', () => {
  it('newTraceparent - gives distinct trace and span ids across many pool refills', () => {
    const traces = new Set<string>();
    const spans = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const tp = parseTraceparent(newTraceparent());
      traces.add(tp?.traceId ?? '');
      spans.add(tp?.parentId ?? '');
    }
    expect(traces.size).toBe(2_000);
    expect(spans.size).toBe(2_000);
  });
});
