import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Msg } from '@nats-io/transport-node';
import { Ajv } from 'ajv';
import formats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asyncApiPath, EVENT_STYLES, generateAsyncApi, type EventStyle } from '../src/docs/asyncapi.ts';
import type { User } from '../src/services/auth/index.ts';
import type { Payment } from '../src/services/billing/index.ts';
import type { Order } from '../src/services/order/index.ts';
import { fromNatsHeaders, newEnvelope, newTraceparent } from '../src/platform/events/index.ts';
import { startSystem, type RunningSystem } from '../src/runtime/system.ts';
import { runCourseScenario } from '../src/scenarios/course.ts';
import * as collaboration from '../src/transports/collaboration/events.ts';
import type { OutgoingMessage } from '../src/transports/events/bus.ts';
import { SERVICES } from '../src/model/style.ts';
import * as notification from '../src/transports/notification/events.ts';
import { eventually, setupNats, type TestNats } from './support/nats.ts';

interface Ref { readonly $ref: string }
interface Channel {
  readonly address: string;
  readonly messages: Record<string, Ref>;
  readonly parameters?: Record<string, { readonly enum?: readonly string[] }>;
}
interface Operation {
  readonly action: 'send' | 'receive';
  readonly channel: Ref;
  readonly 'x-durable'?: string;
  readonly 'x-consumer-service'?: string;
  readonly 'x-stream'?: string;
}
interface Message { readonly name: string; readonly headers: Ref; readonly payload: unknown; readonly examples?: readonly { headers: unknown; payload: unknown }[] }
interface AsyncApiDocument {
  readonly asyncapi: string;
  readonly servers: Record<string, { host: string; protocol: string }>;
  readonly channels: Record<string, Channel>;
  readonly operations: Record<string, Operation>;
}

const STYLE_EVENTS = { notification, collaboration } as const;
const DEAD_LETTERS = 'deadLetters';

const ajv = new Ajv({ allErrors: true });
formats.default(ajv);

/** A local JSON pointer such as #/components/schemas/ThinEnvelope; undefined when it points nowhere. */
function resolve(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), doc);
}

function refsIn(value: unknown): string[] {
  if (value === null || typeof value !== 'object') return [];
  const own = '$ref' in value && typeof value.$ref === 'string' ? [value.$ref] : [];
  return [...own, ...Object.values(value).flatMap(refsIn)];
}

function deref<T>(doc: unknown, node: unknown): T {
  while (node !== null && typeof node === 'object' && '$ref' in node && typeof node.$ref === 'string') node = resolve(doc, node.$ref);
  return node as T;
}

const channelMessage = (doc: AsyncApiDocument, channel: string): Message =>
  deref<Message>(doc, Object.values(doc.channels[channel]?.messages ?? {})[0]);
const validator = (doc: AsyncApiDocument, schema: unknown) => ajv.compile(deref<object>(doc, schema));
const eventChannels = (doc: AsyncApiDocument) => Object.keys(doc.channels).filter((c) => c !== DEAD_LETTERS);

/** The channel whose address, with the namespace filled in, is `subject`. */
function channelOf(doc: AsyncApiDocument, subject: string, namespace = '{namespace}'): string | undefined {
  return eventChannels(doc).find((c) => doc.channels[c]?.address.replace('{namespace}', namespace) === subject);
}

const aUser = (over: Partial<User> = {}): User => ({ id: 'u-1', email: 'grace@example.com', name: 'Grace', ...over });
const anOrder = (over: Partial<Order> = {}): Order => ({
  id: 'o-1', userId: 'u-1', amount: 300, status: 'pending', version: 1, createdAt: new Date(0).toISOString(), ...over,
});
const aPayment = (over: Partial<Payment> = {}): Payment => ({
  orderId: 'o-1', userId: 'u-1', amount: 300, status: 'paid', balanceAfter: 0, createdAt: new Date(0).toISOString(), ...over,
});

/** Every domain event, through the style's own encoders. */
function encoded(style: EventStyle): OutgoingMessage[] {
  const enc = STYLE_EVENTS[style];
  return [
    enc.encodeAuth({ type: 'user.registered', user: aUser() }),
    enc.encodeOrder({ type: 'order.created', order: anOrder({ items: [{ sku: 'sku-1', quantity: 2 }] }) }),
    enc.encodeOrder({ type: 'order.finished', order: anOrder({ status: 'rejected', version: 2 }) }),
    enc.encodeBilling({ type: 'payment.completed', payment: aPayment({ status: 'rejected' }) }),
  ];
}

describe('docs/asyncapi', () => {
  const generated = generateAsyncApi();
  const docs = Object.fromEntries(EVENT_STYLES.map((s) => [s, JSON.parse(generated[s])])) as Record<EventStyle, AsyncApiDocument>;

  it.each(EVENT_STYLES)('asyncapi - the committed %s document is what the code generates now', async (style) => {
    const committed = await readFile(asyncApiPath(style), 'utf8').catch(() => '');
    expect(committed, `docs/asyncapi/${style}.json is stale: run npm run asyncapi`).toBe(generated[style]);
  });

  it('asyncapi - generating twice gives byte-identical documents', () => {
    expect(generateAsyncApi()).toEqual(generated);
    for (const text of Object.values(generated)) expect(text).not.toMatch(/"\$id"/);
  });

  it.each(EVENT_STYLES)('asyncapi - the %s document is AsyncAPI 3.0.0 with one channel per subject', (style) => {
    const doc = docs[style];
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.servers['nats']).toMatchObject({ host: '127.0.0.1:4222', protocol: 'nats' });
    const addresses = eventChannels(doc).map((c) => doc.channels[c]?.address).sort();
    expect(addresses).toEqual(Object.values(STYLE_EVENTS[style].SUBJECTS).map((s) => `{namespace}.${s}`).sort());
    expect(doc.channels[DEAD_LETTERS]?.address).toBe('{namespace}.dlq.{durable}');
    for (const channel of Object.values(doc.channels)) {
      const params = [...channel.address.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(Object.keys(channel.parameters ?? {}).sort()).toEqual(params.sort());
    }
    for (const channel of eventChannels(doc)) {
      const ops = Object.values(doc.operations).filter((op) => op.channel.$ref === `#/channels/${channel}`);
      expect(ops.filter((op) => op.action === 'send'), `${channel}: one producer`).toHaveLength(1);
      expect(ops.filter((op) => op.action === 'receive').length, `${channel}: a consumer`).toBeGreaterThan(0);
    }
  });

  it.each(EVENT_STYLES)('asyncapi - every $ref in the %s document resolves inside it', (style) => {
    const refs = refsIn(docs[style]);
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((ref) => resolve(docs[style], ref) === undefined)).toEqual([]);
  });

  it.each(EVENT_STYLES)('asyncapi - envelopes made by the %s encoders validate against the documented payload', (style) => {
    const doc = docs[style];
    for (const message of encoded(style)) {
      const envelope = JSON.parse(JSON.stringify(newEnvelope(message.type, message.data, { traceparent: newTraceparent() })));
      const channel = channelOf(doc, `{namespace}.${message.subject}`);
      expect(channel, `a channel for ${message.subject}`).toBeDefined();
      const documented = channelMessage(doc, channel ?? '');
      expect(documented.name).toBe(envelope.type);
      const payload = validator(doc, documented.payload);
      expect(payload(envelope), `${message.type}: ${ajv.errorsText(payload.errors)}`).toBe(true);
      expect(payload({ ...envelope, id: 'not-a-uuid' }), 'the schema accepts anything').toBe(false);
      expect(payload({ ...envelope, data: {} }), 'the schema accepts any data').toBe(false);
      const headers = validator(doc, documented.headers);
      expect(headers({ 'Nats-Msg-Id': envelope.id, traceparent: envelope.traceparent }), ajv.errorsText(headers.errors)).toBe(true);
      for (const example of documented.examples ?? []) {
        expect(payload(example.payload), ajv.errorsText(payload.errors)).toBe(true);
        expect(headers(example.headers), ajv.errorsText(headers.errors)).toBe(true);
      }
    }
  });
});

describe('docs/asyncapi against a running system', () => {
  let nats: TestNats;
  beforeAll(async () => {
    nats = await setupNats();
  });
  afterAll(async () => {
    await nats?.teardown();
  });

  describe.each(EVENT_STYLES)('the %s style', (style) => {
    const doc = JSON.parse(generateAsyncApi()[style]) as AsyncApiDocument;
    const receives = Object.values(doc.operations).filter((op) => op.action === 'receive');
    let dataDir: string;
    let system: RunningSystem;
    let ns: string;
    const streams = () => ['AUTH', 'ORDERS', 'BILLING'].map((s) => `${ns}_${s}`);

    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'interplay-asyncapi-'));
      system = await startSystem({ style, natsUrl: nats.url, dataDir, delivery: { deliver: () => {} } });
      ns = (await readFile(join(dataDir, 'bus-namespace'), 'utf8')).trim();
    });
    afterAll(async () => {
      await system?.stop();
      // A kept data directory keeps its streams; this one is ours to remove.
      for (const name of [...streams(), `${ns}_DLQ`]) await nats.jsm.streams.delete(name).catch(() => false);
      await rm(dataDir, { recursive: true, force: true });
    });

    it('asyncapi - the receive operations are the durable consumers the system runs', async () => {
      const running: string[] = [];
      for (const stream of streams()) {
        for (const ci of await nats.jsm.consumers.list(stream).next()) {
          running.push(`${ci.config.durable_name} ${stream} ${ci.config.filter_subject}`);
        }
      }
      const documented = receives.map((op) => {
        const address = deref<Channel>(doc, op.channel).address;
        return `${op['x-durable']} ${op['x-stream']?.replace('{namespace}', ns)} ${address.replace('{namespace}', ns)}`;
      });
      expect(running.sort()).toEqual(documented.sort());
      for (const service of SERVICES) {
        const health = (await (await fetch(`${system.services[service]}/health`)).json()) as { consumers?: Record<string, unknown> };
        const mine = receives.filter((op) => op['x-consumer-service'] === service).map((op) => op['x-durable']);
        expect(Object.keys(health.consumers ?? {}).sort(), `${service}'s consumers`).toEqual(mine.sort());
      }
      expect(doc.channels[DEAD_LETTERS]?.parameters?.['durable']?.enum).toEqual(receives.map((op) => op['x-durable']).sort());
    });

    it('asyncapi - every message a full course run publishes matches its documented channel', async () => {
      // The event streams keep a message only until its consumers acknowledge it, so the test reads
      // what is published as it goes by, on the subjects the streams take.
      const published: Msg[] = [];
      const tap = nats.nc.subscribe(`${ns}.>`, { callback: (err, m) => void (err || m.subject.startsWith(`${ns}.dlq.`) || published.push(m)) });
      const result = await runCourseScenario({ baseUrl: system.url });
      expect(result.steps.filter((s) => !s.ok)).toEqual([]);
      const everyChannel = eventChannels(doc);
      const stored = await eventually(
        async () => {
          await nats.nc.flush();
          const seen = new Set(published.map((m) => channelOf(doc, m.subject, ns)));
          return everyChannel.every((c) => seen.has(c)) && published;
        },
        { what: `a message on each of ${everyChannel.join(', ')}` },
      );
      tap.unsubscribe();
      for (const m of stored) {
        const channel = channelOf(doc, m.subject, ns);
        expect(channel, `a documented channel for ${m.subject}`).toBeDefined();
        const documented = channelMessage(doc, channel ?? '');
        const envelope = m.json<{ id: string; type: string }>();
        const headers = fromNatsHeaders(m.headers);
        const payload = validator(doc, documented.payload);
        const headerCheck = validator(doc, documented.headers);
        expect(payload(envelope), `${m.subject}: ${ajv.errorsText(payload.errors)}`).toBe(true);
        expect(headerCheck(headers), `${m.subject} headers: ${ajv.errorsText(headerCheck.errors)}`).toBe(true);
        expect(headers['Nats-Msg-Id']).toBe(envelope.id);
        expect(envelope.type).toBe(documented.name);
      }
    });

    it('asyncapi - an acknowledged event leaves its stream: the streams hold only what a consumer still owes', async () => {
      for (const stream of streams()) {
        const state = await eventually(async () => {
          const info = await nats.jsm.streams.info(stream);
          return info.state.messages === 0 && info;
        }, { what: `${stream} to be empty once every consumer acknowledged` });
        expect(state.config.retention).toBe('interest');
        expect(state.state.last_seq, `${stream} took messages`).toBeGreaterThan(0);
      }
    });

    it('asyncapi - a dead letter lands on the documented channel with the documented headers', async () => {
      const created = doc.channels['orderCreated'];
      if (!created) throw new Error('no orderCreated channel');
      await nats.js.publish(created.address.replace('{namespace}', ns), '{"not":"an envelope"}', { msgID: `bad-${ns}` });
      const dlq = `${ns}_DLQ`;
      const stored = await eventually(async () => (await nats.jsm.streams.info(dlq)).state.messages > 0 && nats.jsm.streams.getMessage(dlq, { seq: 1 }), {
        what: 'the dead letter',
      });
      if (!stored) throw new Error('no dead letter');
      const match = new RegExp(`^${ns}\\.dlq\\.(.+)$`).exec(stored.subject);
      expect(doc.channels[DEAD_LETTERS]?.parameters?.['durable']?.enum).toContain(match?.[1]);
      const message = channelMessage(doc, DEAD_LETTERS);
      const headers = fromNatsHeaders(stored.header);
      const check = validator(doc, message.headers);
      expect(check(headers), ajv.errorsText(check.errors)).toBe(true);
      const documentedNames = Object.keys(deref<{ properties: object }>(doc, message.headers).properties);
      expect(Object.keys(headers).filter((h) => !documentedNames.includes(h)), 'undocumented dead-letter headers').toEqual([]);
    });
  });
});
