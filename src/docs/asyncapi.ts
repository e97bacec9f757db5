/**
 * Writes one AsyncAPI 3.0.0 document per event style to docs/asyncapi/<style>.json, built from the
 * TypeBox schemas, subjects and encoders the services use, so the documents cannot drift from the code.
 *
 *   npm run asyncapi              regenerate the committed documents
 *   npm run asyncapi -- --check   write nothing; exit 1 and name the documents that are stale
 *
 * Keys are sorted and examples use fixed ids and times: the output is byte-identical between runs.
 */
import { stableJson, staleFiles, syncGenerated, type SyncRequest } from './generated.ts';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type, type TSchema } from '@sinclair/typebox';
import { DEAD_REASON_HEADER, EventEnvelope, newEnvelope, ORIGINAL_SUBJECT_HEADER } from '../platform/events/index.ts';
import { TRACEPARENT_PATTERN } from '../platform/events/trace.ts';
import {
  capitalized,
  EVENT_STYLES,
  EXAMPLE_ENVELOPE,
  STREAM_OF,
  STYLES,
  wireMessages,
  type ConsumerDoc,
  type EventStyle,
  type StyleDoc,
} from './asyncapi-styles.ts';

export { EVENT_STYLES, type EventStyle } from './asyncapi-styles.ts';

export const ASYNCAPI_DIR = fileURLToPath(new URL('../../docs/asyncapi/', import.meta.url));
export const asyncApiPath = (style: EventStyle): string => join(ASYNCAPI_DIR, `${style}.json`);

const MessageHeaders = Type.Object({
  'Nats-Msg-Id': { ...EventEnvelope.properties.id, description: 'the envelope id; JetStream drops a republished duplicate' },
  traceparent: Type.String({ pattern: TRACEPARENT_PATTERN, description: 'W3C Trace Context; the same as the envelope field' }),
});
const DeadLetterHeaders = Type.Object({
  'Nats-Msg-Id': Type.String({ description: '<stream>.<durable>.<stream sequence>: dead-lettering the same message twice is a duplicate' }),
  traceparent: Type.Optional(Type.String({ description: 'copied from the original message' })),
  [DEAD_REASON_HEADER]: Type.String({ maxLength: 500, description: 'why, on one line' }),
  [ORIGINAL_SUBJECT_HEADER]: Type.String({ description: 'the subject the message was published on, namespace included' }),
  'Interplay-Original-Stream': Type.String(),
  'Interplay-Original-Sequence': Type.String({ pattern: '^[0-9]+$' }),
  'Interplay-Original-Msg-Id': Type.String({ description: 'the original Nats-Msg-Id, empty when it had none' }),
  'Interplay-Consumer': Type.String({ description: 'the durable that gave up' }),
  'Interplay-Delivery-Count': Type.String({ pattern: '^[0-9]+$' }),
});

const ref = (path: string) => ({ $ref: `#/${path}` });

function asyncApiDocument(style: EventStyle): Record<string, unknown> {
  const doc = STYLES[style];
  const channelOf = new Map(Object.entries(doc.subjects).map(([key, subject]) => [subject, key]));
  const schemas: Record<string, unknown> = { MessageHeaders: clean(MessageHeaders), DeadLetterHeaders: clean(DeadLetterHeaders) };
  const channels: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};

  for (const { producer, message } of wireMessages(doc.encoders)) {
    const channel = channelOf.get(message.subject);
    if (!channel) throw new Error(`${style}: the ${producer} encoder publishes on ${message.subject}, which is not in SUBJECTS`);
    if (channels[channel]) throw new Error(`${style}: two events share ${message.subject}; document which types it carries`);
    const stream = `{namespace}_${STREAM_OF[producer]}`;
    const payload = doc.payload(channel);
    schemas[payload.name] = clean(payload.schema);
    const consumers = doc.consumers.filter((c) => c.channel === channel);
    const envelope = newEnvelope(message.type, message.data, EXAMPLE_ENVELOPE);
    channels[channel] = {
      address: `{namespace}.${message.subject}`,
      title: message.type,
      description: `Stored in the ${stream} stream.`,
      parameters: { namespace: ref('components/parameters/namespace') },
      messages: { [channel]: ref(`components/messages/${channel}`) },
      'x-stream': stream,
    };
    messages[channel] = {
      name: message.type,
      title: `${message.type} event`,
      contentType: 'application/json',
      description: [
        `Envelope with \`type: "${message.type}"\`, published by the ${producer} service.`,
        ...(consumers.length > 0 ? ['', 'Consumers:'] : []),
        ...consumers.map((c) => `- ${c.service} (durable \`${c.durable}\`) reads ${readFields(doc, c)}, then ${c.then}.`),
      ].join('\n'),
      headers: ref('components/schemas/MessageHeaders'),
      payload: ref(`components/schemas/${payload.name}`),
      examples: [{ name: message.type, headers: { 'Nats-Msg-Id': envelope.id, traceparent: envelope.traceparent }, payload: envelope }],
    };
    const onChannel = { channel: ref(`channels/${channel}`), messages: [ref(`channels/${channel}/messages/${channel}`)] };
    operations[`${producer}Sends${capitalized(channel)}`] = {
      action: 'send',
      ...onChannel,
      summary: `${producer} publishes ${message.type}`,
      description: `Appended to the ${producer} service's outbox in the transaction that makes the change; the outbox relay publishes it with the envelope id as Nats-Msg-Id.`,
      'x-producer-service': producer,
    };
    for (const c of consumers) {
      const id = `${c.service}Receives${capitalized(channel)}`;
      if (operations[id]) throw new Error(`${style}: ${c.service} has two consumers of ${message.subject}`);
      operations[id] = {
        action: 'receive',
        ...onChannel,
        summary: `${c.service} ${c.then}`,
        description:
          `Durable pull consumer \`${c.durable}\` of the ${c.service} service on ${stream}, filtered to this subject. ` +
          `It checks the envelope and ${readFields(doc, c)}; a message that fails the check, or that the handler gives up on, ` +
          `goes to \`{namespace}.dlq.${c.durable}\`.`,
        'x-consumer-service': c.service,
        'x-durable': c.durable,
        'x-stream': stream,
        ...(c.needs ? { 'x-needs': ref(`components/schemas/${needsName(c.needs)}`) } : {}),
      };
    }
  }
  const missing = Object.keys(doc.subjects).filter((key) => !channels[key]);
  if (missing.length > 0) throw new Error(`${style}: no encoder publishes on ${missing.join(', ')}`);
  for (const [key, schema] of Object.entries(doc.needs)) schemas[needsName(key)] = clean(schema);

  const deadLetters = deadLetterParts(doc.consumers.map((c) => c.durable));
  channels['deadLetters'] = deadLetters.channel;
  messages['deadLetter'] = deadLetters.message;
  operations['consumersSendDeadLetters'] = deadLetters.operation;

  return {
    asyncapi: '3.0.0',
    info: { title: `interplay: ${doc.name}`, version: '1.0.0', description: doc.description },
    defaultContentType: 'application/json',
    servers: {
      nats: {
        host: '127.0.0.1:4222',
        protocol: 'nats',
        description: 'nats://127.0.0.1:4222, a local nats-server with JetStream (docker compose up -d nats); any server given with --nats works.',
      },
    },
    channels,
    operations,
    components: {
      parameters: {
        namespace: {
          description: 'Prefix of every subject and stream of one system, so several systems can share a NATS server. ' +
            'A kept data directory keeps its namespace in the bus-namespace file.',
          examples: ['ip1a2b3c4d'],
        },
      },
      messages,
      schemas,
    },
  };
}

/** Where every consumer of a style copies what it gives up on (consumer.ts `deadLetter`). */
function deadLetterParts(durables: readonly string[]): Record<'channel' | 'message' | 'operation', unknown> {
  return {
    channel: {
      address: '{namespace}.dlq.{durable}',
      title: 'dead letters',
      description: 'Messages a consumer could not handle, stored in the {namespace}_DLQ stream. Nothing consumes them; they are for people.',
      parameters: {
        namespace: ref('components/parameters/namespace'),
        durable: { description: 'the consumer that gave up', enum: [...durables].sort() },
      },
      messages: { deadLetter: ref('components/messages/deadLetter') },
      'x-stream': '{namespace}_DLQ',
    },
    message: {
      name: 'dead-letter',
      title: 'dead letter',
      description: `The original message body, byte for byte, with headers saying why (\`${DEAD_REASON_HEADER}\`) and where it came from.`,
      headers: ref('components/schemas/DeadLetterHeaders'),
      payload: { description: 'the original body: usually an envelope, possibly the malformed bytes that were the reason' },
    },
    operation: {
      action: 'send',
      channel: ref('channels/deadLetters'),
      messages: [ref('channels/deadLetters/messages/deadLetter')],
      summary: 'a consumer dead-letters what it cannot handle',
      description: "A message that fails the consumer's check, that its handler refuses, or that still fails on the last delivery is copied here, then terminated.",
    },
  };
}

/** The file contents of each style's document. */
export function generateAsyncApi(): Record<EventStyle, string> {
  return Object.fromEntries(EVENT_STYLES.map((style) => [style, render(asyncApiDocument(style))])) as Record<EventStyle, string>;
}

/** The files that differ from what the code generates now (missing files included). */
export const staleAsyncApiFiles = (generated: Record<EventStyle, string>): Promise<string[]> =>
  staleFiles(new Map(EVENT_STYLES.map((s) => [asyncApiPath(s), generated[s]])));

function readFields(doc: StyleDoc, c: ConsumerDoc<string, string>): string {
  const data: TSchema | undefined = c.needs === undefined ? doc.payload(c.channel).schema['properties']?.data : doc.needs[c.needs];
  if (!data) throw new Error(`${c.durable}: no schema for what it reads`);
  return fieldsOf(data, 'data').map((f) => `\`${f}\``).join(', ');
}

/** Leaf paths of an object schema, e.g. data.order.id. */
function fieldsOf(schema: TSchema, path: string): string[] {
  const properties = schema['properties'] as Record<string, TSchema> | undefined;
  if (schema['type'] !== 'object' || !properties) return [path];
  return Object.entries(properties).flatMap(([key, sub]) => fieldsOf(sub, `${path}.${key}`));
}

const needsName = (key: string) => `Needs${capitalized(key)}`;

/** Plain JSON Schema: TypeBox's symbol keys dropped (JSON has none) and its `$id`s removed. */
function clean(schema: TSchema): unknown {
  return JSON.parse(JSON.stringify(schema), (key, value: unknown) => (key === '$id' ? undefined : value));
}

/** Conventional order at the top of a document; every other object has its keys sorted. */
const TOP_LEVEL = ['asyncapi', 'info', 'defaultContentType', 'servers', 'channels', 'operations', 'components'];

const render = (document: unknown): string => stableJson(document, TOP_LEVEL);

/** `npm run asyncapi [-- --check]` */
export async function syncAsyncApi(request: SyncRequest): Promise<number> {
  const generated = generateAsyncApi();
  return syncGenerated({
    what: 'AsyncAPI documents',
    command: 'npm run asyncapi',
    generated: new Map(EVENT_STYLES.map((s) => [asyncApiPath(s), generated[s]])),
    ...request,
  });
}
