import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analyseCoupling } from '../analyse/coupling.ts';
import { notificationOrder, restOrder } from '../analyse/test-spans.ts';
import type { ObservedSpan } from './observed-span.ts';
import { readOtlpJson } from './otlp-json.ts';
import {
  recordClientCall, recordConsume, recordPublish, recordServerSpan, startRecording, stopRecording, takeSpans, writeOtlpJson,
} from './spans.ts';

/** Replays a span through the one-line call a hot path makes, with the traceparents it has at hand. */
function replay(s: ObservedSpan): void {
  const tp = (spanId: string | undefined) => (spanId === undefined ? undefined : `00-${s.traceId}-${spanId}-01`);
  const [parent, self] = [tp(s.parentSpanId), tp(s.spanId)];
  const a = (k: string) => String(s.attributes[k]);
  const status = Number(s.attributes['http.response.status_code']);
  switch (s.kind) {
    case 'server': return recordServerSpan(s.service, a('http.request.method'), a('http.route'), parent, s.startMs, s.endMs, status, self);
    case 'client': return recordClientCall(s.service, a('peer.service'), a('http.request.method'), a('http.route'), parent, s.startMs, s.endMs, status, self);
    case 'producer': return recordPublish(s.service, a('messaging.destination.name'), parent, s.startMs, s.endMs, self);
    case 'consumer': return recordConsume(s.service, a('messaging.destination.name'), a('messaging.consumer.group.name'), parent, s.startMs, s.endMs, self);
    case 'internal': return;
  }
}

const dirs: string[] = [];
afterEach(() => {
  stopRecording();
  takeSpans();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('span recorder', () => {
  it('records nothing while off', () => {
    restOrder().forEach(replay);
    expect(takeSpans().spans).toEqual([]);
  });

  it('records whole traces or none of them when sampling', async () => {
    await startRecording({ sample: 0.5 });
    // The decision reads the trace id's last 32 bits: 0x00000001 is below half, 0xffffffff above.
    [...restOrder('0'.repeat(24) + '00000001'), ...restOrder('1'.repeat(24) + 'ffffffff')].forEach(replay);
    const traces = new Set(takeSpans().spans.map((s) => s.spanContext().traceId));
    expect([...traces]).toEqual(['0'.repeat(24) + '00000001']);
  });

  it('keeps at most maxSpans and counts the rest as dropped', async () => {
    await startRecording({ maxSpans: 3 });
    restOrder().forEach(replay);
    const { spans, dropped } = takeSpans();
    expect(spans).toHaveLength(3);
    expect(dropped).toBe(restOrder().length - 3);
  });

  it('writes OTLP/JSON that reads back into the same graph and order paths', async () => {
    const original = [...notificationOrder(), ...restOrder('c'.repeat(32))];
    await startRecording();
    original.forEach(replay);
    const dir = mkdtempSync(join(tmpdir(), 'spans-'));
    dirs.push(dir);
    const file = join(dir, 'spans.json');
    await writeOtlpJson(file, takeSpans().spans);

    const raw = JSON.parse(readFileSync(file, 'utf8'));
    const services = raw.resourceSpans.map((rs: any) => rs.resource.attributes.find((a: any) => a.key === 'service.name').value.stringValue);
    expect(services.sort()).toEqual(['auth', 'billing', 'gateway', 'notification', 'order']);

    const read = readOtlpJson(file);
    if (!read.ok) throw read.error;
    expect(read.value).toHaveLength(original.length);
    const consume = read.value.find((s) => s.kind === 'consumer' && s.service === 'notification');
    expect(consume?.attributes).toMatchObject({
      'messaging.system': 'nats', 'messaging.operation.type': 'process', 'messaging.consumer.group.name': 'notification-order-changed',
    });
    const before = analyseCoupling(original);
    const after = analyseCoupling(read.value);
    expect(after.graph).toEqual(before.graph);
    expect(after.orders.accept).toEqual(before.orders.accept);
    expect(after.orders.complete).toEqual(before.orders.complete);
  });
});

describe('readOtlpJson', () => {
  it('reads base64 ids, string kinds and JSON lines as other exporters write them', () => {
    const line = (service: string, spanId: string) => JSON.stringify({
      resourceSpans: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [{ spans: [{
          traceId: Buffer.from('4bf92f3577b34da6a3ce929d0e0e4736', 'hex').toString('base64'),
          spanId: Buffer.from(spanId, 'hex').toString('base64'),
          name: 'GET /internal/users/:id', kind: 'SPAN_KIND_SERVER',
          startTimeUnixNano: 1700000000000000000, endTimeUnixNano: '1700000000002500000',
          attributes: [{ key: 'http.response.status_code', value: { intValue: '200' } }],
          status: { code: 'STATUS_CODE_ERROR' },
        }] }],
      }],
    });
    const read = readOtlpJson(`${line('auth', '00f067aa0ba902b7')}\n${line('billing', '00f067aa0ba902b8')}\n`);
    if (!read.ok) throw read.error;
    expect(read.value.map((s) => [s.service, s.spanId, s.kind, s.endMs - s.startMs, s.attributes['http.response.status_code'], s.error])).toEqual([
      ['auth', '00f067aa0ba902b7', 'server', 2.5, 200, true],
      ['billing', '00f067aa0ba902b8', 'server', 2.5, 200, true],
    ]);
  });

  it('refuses what is not an OTLP trace export', () => {
    const read = readOtlpJson('{"resourceMetrics": []}');
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error.code).toBe('SPANS.NOT_OTLP_JSON');
  });
});
