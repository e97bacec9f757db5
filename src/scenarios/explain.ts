import type { StoreRequest } from '../runtime/store.ts';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { analyseCoupling, type CouplingReport } from '../analyse/index.ts';
import { silentChannel } from '../runtime/delivery/log.ts';
import { parseOtlpJson } from '../platform/otlp-json.ts';
import type { ObservedSpan } from '../platform/observed-span.ts';
import { startRecording, stopRecording, takeSpans, writeOtlpJson } from '../platform/spans.ts';
import { launchSystem } from '../runtime/launch.ts';
import type { Style } from '../model/style.ts';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { apiClient } from './http.ts';
import type { BrokerFlags } from '../runtime/launch.ts';

export interface ExplainOptions extends Omit<BrokerFlags, 'nats'> {
  /** default SQLite; PostgreSQL at a URL, or a private one */
  readonly store?: StoreRequest;
  readonly style: Style;
  /** orders placed and followed to their notification; default 3 (one of them unaffordable) */
  readonly orders?: number;
  readonly nats?: string;
  /** write spans.otlp.json here */
  readonly outDir?: string;
}

export interface Explained {
  readonly style: Style;
  readonly report: CouplingReport;
  readonly spans: readonly ObservedSpan[];
  /** the trace of one paid order, for the sequence diagram */
  readonly sampleTrace: string | undefined;
  readonly otlpFile?: string;
}

/** ms; an order of the event styles completes within a second on an idle system */
const SETTLE_TIMEOUT_MS = 20_000;
/** minor units every user gets; orders of 100 fit, the last order of FUNDING does not after them */
const FUNDING = 1_000;

/**
 * Observes real orders of one style with spans on: registers a user, funds it, places orders
 * (the last one unaffordable), waits for every notification, stops the system (so every span in
 * flight ends) and analyses the spans. The graph is what the run showed, not a drawing.
 */
export async function explainStyle(opts: ExplainOptions): Promise<Explained> {
  const count = opts.orders ?? 3;
  await startRecording({ sample: 1 });
  let recorded: ReturnType<typeof takeSpans>['spans'];
  try {
    const system = await launchSystem({
      style: opts.style,
      port: 0,
      nats: opts.nats,
      natsCluster: opts.natsCluster,
      streamReplicas: opts.streamReplicas,
      delivery: silentChannel,
      ...(opts.store ? { store: opts.store } : {}),
    });
    try {
      await placeOrders(system.url, count);
    } finally {
      await system.stop();
    }
  } finally {
    stopRecording();
    recorded = takeSpans().spans;
  }
  // Read back through the OTLP form, so what is analysed is exactly what a file holds.
  let otlpFile: string | undefined;
  if (opts.outDir) {
    await mkdir(opts.outDir, { recursive: true });
    otlpFile = join(opts.outDir, `spans-${opts.style}.otlp.json`);
    await writeOtlpJson(otlpFile, recorded);
  }
  const bytes = JsonTraceSerializer.serializeRequest(recorded);
  const parsed = parseOtlpJson(new TextDecoder().decode(bytes));
  if (!parsed.ok) throw parsed.error;
  const spans = parsed.value;
  const report = analyseCoupling(spans);
  return { style: opts.style, report, spans, sampleTrace: firstOrderTrace(spans), ...(otlpFile ? { otlpFile } : {}) };
}

async function placeOrders(baseUrl: string, count: number): Promise<void> {
  const api = apiClient(baseUrl);
  const email = `explain-${Date.now()}@example.com`;
  const password = 'explain-password-1';
  const expect = (what: string, status: number, wanted: number) => {
    if (status !== wanted) throw new Error(`explain: ${what} answered ${status}`);
  };
  expect('register', (await api.call('POST', '/auth/register', { body: { email, password, name: 'Explain' } })).status, 201);
  const login = await api.call('POST', '/auth/login', { body: { email, password } });
  expect('login', login.status, 200);
  const token = login.body.accessToken as string;
  await until('the account', async () => (await api.call('POST', '/billing/account/deposits', { token, body: { amount: FUNDING } })).status === 201);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const amount = i === count - 1 ? FUNDING : 100;
    const placed = await api.call('POST', '/orders', { token, body: { amount } });
    expect('POST /orders', placed.status, 201);
    ids.push(placed.body.id as string);
  }
  await until('every notification', async () => {
    const list = await api.call('GET', '/notifications?limit=100', { token });
    return Array.isArray(list.body) && ids.every((id) => (list.body as { orderId: string }[]).some((n) => n.orderId === id));
  });
}

async function until(what: string, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`explain: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The trace of the first order placed: the gateway's POST /orders that started earliest. */
function firstOrderTrace(spans: readonly ObservedSpan[]): string | undefined {
  const entries = spans.filter((s) => s.kind === 'server' && s.service === 'gateway' && s.attributes['http.route'] === '/orders' && s.attributes['http.request.method'] === 'POST');
  return entries.sort((a, b) => a.startMs - b.startMs)[0]?.traceId;
}

