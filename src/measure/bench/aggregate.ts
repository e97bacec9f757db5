import type { RunReport } from '../../model/schema.ts';
import { LatencyHistogram } from '../engine/histogram.ts';
import { counterDelta } from '../engine/metrics-snapshot.ts';
import type { RawRun } from './raw.ts';
import { recordTimeline } from './timeline.ts';
import { processWindows } from '../engine/runtime-stats.ts';
import { linkCosts } from './link-readings.ts';

const sum = (r: Readonly<Record<string, number>>) => Object.values(r).reduce((a, b) => a + b, 0);

/** The raw facts of one bench → the `interplay/run@1` object every renderer reads. Pure. */
export function aggregate(raw: RawRun): RunReport {
  const { load } = raw;
  const delivered = new Map(raw.deliveries.map((d) => [d.orderId, d]));
  const completion = new LatencyHistogram();
  const orders = { placed: 0, paid: 0, rejected: 0, pending: 0, failed: sum(raw.failures), shed: raw.shed, limited: raw.limited ?? 0, dropped: load.dropped };
  // Completions inside the measured window, whenever their order was placed: with a backlog,
  // the rate at which orders finish, not the rate at which they were accepted.
  const windowEnd = raw.windowStart + load.durations.measuredMs;
  let completedInWindow = 0;
  for (const order of raw.orders) {
    const delivery = delivered.get(order.id);
    if (delivery && delivery.receivedAt >= raw.windowStart && delivery.receivedAt <= windowEnd) completedInWindow++;
    if (order.warmup) continue;
    orders.placed++;
    if (!delivery) {
      orders.pending++;
      continue;
    }
    completion.record(delivery.receivedAt - order.intendedAt);
    if (delivery.type === 'order.paid') orders.paid++;
    else orders.rejected++;
  }
  const allOrders = raw.orders.length;
  const per = (n: number) => (allOrders === 0 ? 0 : n / allOrders);
  const seconds = load.durations.measuredMs / 1000;

  const before = new Map(raw.metrics.before);
  const after = new Map(raw.metrics.after);
  const reads = counterDelta(before, after, 'interplay_http_client_requests_total', (l) => `${l.service}→${l.target} ${l.method} ${l.route}`);
  const messages = counterDelta(before, after, 'interplay_messages_published_total', (l) => l.subject ?? '');
  const bytes = counterDelta(before, after, 'interplay_message_bytes_published_total', (l) => l.subject ?? '');

  const byService: Record<string, { cpuMs: number; cpuMsPerOrder: number; rssPeakBytes: number }> = {};
  for (const [name, b] of Object.entries(raw.processes.before)) {
    const a = raw.processes.after[name];
    if (!a || !b) continue;
    byService[name] = { cpuMs: a.cpuMs - b.cpuMs, cpuMsPerOrder: per(a.cpuMs - b.cpuMs), rssPeakBytes: a.rssPeakBytes };
  }

  const timeline = recordTimeline(raw.timelineOrigin);
  for (const tick of raw.ticks) timeline.tick(tick);
  for (const order of raw.orders) timeline.accepted(order.answeredAt, order.answeredAt - order.intendedAt);

  return {
    schema: 'interplay/run@1',
    style: raw.style,
    config: raw.config,
    environment: raw.environment,
    orders,
    throughput: { offered: load.offered, accepted: orders.placed / seconds, completed: completedInWindow / seconds },
    latency: { accept: LatencyHistogram.decode(load.acceptHistogram).summary(), completion: completion.summary() },
    histograms: { accept: load.acceptHistogram, completion: completion.encode() },
    readLoad: { total: sum(reads), perOrder: per(sum(reads)), byService: reads },
    messages: {
      total: sum(messages),
      perOrder: per(sum(messages)),
      bytesPerOrder: per(sum(bytes)),
      bySubject: Object.fromEntries(Object.keys(messages).map((s) => [s, { messages: messages[s] ?? 0, bytes: bytes[s] ?? 0 }])),
    },
    cost: {
      cpuMsPerOrder: Object.values(byService).reduce((a, s) => a + s.cpuMsPerOrder, 0),
      rssPeakBytes: Object.values(byService).reduce((a, s) => a + s.rssPeakBytes, 0),
      byService,
    },
    errors: { ...raw.failures, ...(load.unfinished > 0 ? { unfinished: load.unfinished } : {}) },
    timeline: timeline.build(
      load.scheduled + load.warmup.sent + load.warmup.dropped,
      raw.orders.flatMap((o) => delivered.get(o.id)?.receivedAt ?? []),
    ),
    ...(raw.links ? { links: linkCosts(raw.links.before, raw.links.after, allOrders) } : {}),
    ...(raw.runtime ? { runtime: processWindows(raw.runtime.before, raw.runtime.after) } : {}),
  };
}
