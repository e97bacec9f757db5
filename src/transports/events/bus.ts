import { connect, type NatsConnection } from '@nats-io/transport-node';
import pino from 'pino';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { TSchema } from '@sinclair/typebox';
import type { TypeCheck } from '@sinclair/typebox/compiler';
import type { Kysely } from 'kysely';
import type { EventSink } from '../../services/kernel/index.ts';
import {
  appendToOutbox,
  childTraceparent,
  createEventTables,
  ensureConsumer,
  ensureStream,
  newEnvelope,
  startConsumer,
  startOutboxRelay,
  streamsFor,
  type EventHandler,
  type OutboxRelay,
  type RunningConsumer,
} from '../../platform/events/index.ts';
import type { ServiceMetrics } from '../../platform/metrics.ts';
import { currentTraceparent, traceContext } from '../../platform/trace-context.ts';
import type { ServiceName } from '../wiring.ts';

/** The stream a subject belongs to: one per source service. */
export type Source = 'AUTH' | 'ORDERS' | 'BILLING';

/** What a domain event becomes on the wire; `subject` is without the run's namespace. */
export interface OutgoingMessage {
  readonly subject: string;
  readonly type: string;
  readonly data: unknown;
}

export interface Subscription<D> {
  readonly service: ServiceName;
  /** durable consumer name, one per (consumer service, subject) */
  readonly durable: string;
  readonly source: Source;
  readonly subject: string;
  /** the whole envelope with the fields this consumer needs; anything else fails to the dead letters */
  readonly check: TypeCheck<TSchema>;
  readonly handler: EventHandler<D>;
}

export interface EventBusOptions {
  readonly url: string;
  /** prefixes streams and subjects, so several systems can share one NATS server */
  readonly namespace: string;
  readonly metrics: Readonly<Record<ServiceName, ServiceMetrics>>;
  /** remove the streams on stop (for runs whose data directory is temporary too) */
  readonly ephemeral: boolean;
  /** every service database that publishes or consumes: each gets the outbox and inbox tables */
  readonly databases: readonly Kysely<any>[];
  /** pino level of the relays' and consumers' logs (dead letters are warnings); default 'warn' */
  readonly logLevel?: string;
}

export interface EventBus {
  /** where a service's use cases record events: its outbox, in their own transaction */
  publisher<DB, E>(service: ServiceName, db: Kysely<DB>, encode: (event: E) => OutgoingMessage): EventSink<DB, E>;
  subscribe<D>(subscription: Subscription<D>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  health(service: ServiceName): Record<string, unknown>;
}

/**
 * Consumer settings, each with its reason:
 * - maxAckPending bounds what one consumer holds unacknowledged, and so its memory and redelivery storm;
 * - the first backoff step is also the ack wait (JetStream uses backoff[0] for it): 5 s is far above a
 *   handler's normal time, so a slow handler is not redelivered while it still runs;
 * - maxDeliver 6: after five retries over about a minute an event is a poison message, not a race.
 */
const CONSUMER_LIMITS = { maxAckPending: 1024, ackWaitMs: 5_000, backoffMs: [5_000, 10_000, 20_000, 30_000], maxDeliver: 6 };
/** handlers of one consumer running at once; events of different orders are independent */
const CONSUMER_CONCURRENCY = 16;
/** ms; the relay's poll catches rows whose wake-up was missed (a restart), it is not the normal path */
const RELAY_POLL_MS = 500;

export function eventBus(opts: EventBusOptions): EventBus {
  const ns = opts.namespace;
  // Dead letters, retries after errors and broker trouble go to stderr, so they show in `up`'s output.
  const log = pino({ base: { component: 'events' }, level: opts.logLevel ?? 'warn' }, pino.destination({ dest: 2, sync: false }));
  const streams = streamsFor(ns);
  const publishers = new Map<ServiceName, Kysely<any>>();
  const relays = new Map<ServiceName, OutboxRelay>();
  const subscriptions: Subscription<any>[] = [];
  const consumers = new Map<string, { service: ServiceName; consumer: RunningConsumer }>();
  let nc: NatsConnection | undefined;
  let jsm: JetStreamManager | undefined;

  return {
    publisher<DB, E>(service: ServiceName, db: Kysely<DB>, encode: (event: E) => OutgoingMessage): EventSink<DB, E> {
      publishers.set(service, db);
      return async (tx, event) => {
        const message = encode(event);
        const envelope = newEnvelope(message.type, message.data, { traceparent: childTraceparent(currentTraceparent()) });
        await appendToOutbox(tx.trx as unknown as Kysely<any>, { subject: `${ns}.${message.subject}`, envelope });
        // Woken only once the row is committed and so visible to the relay's own reads.
        tx.afterCommit(() => relays.get(service)?.wake());
      };
    },

    subscribe(subscription) {
      subscriptions.push(subscription);
    },

    async start() {
      for (const db of opts.databases) await createEventTables(db);
      nc = await connect({ servers: opts.url, name: `interplay-${ns}` });
      jsm = await jetstreamManager(nc);
      const js = jetstream(nc);
      for (const def of Object.values(streams)) await ensureStream(jsm, def);
      for (const [service, db] of publishers) {
        const metrics = opts.metrics[service];
        relays.set(
          service,
          startOutboxRelay({
            db,
            js,
            log: log.child({ service }),
            pollMs: RELAY_POLL_MS,
            onPublished: (subject, bytes, duplicate) => {
              if (duplicate) return;
              const label = { subject: subject.slice(ns.length + 1) };
              metrics.messagesPublished.inc(label);
              metrics.messageBytesPublished.inc(label, bytes);
            },
          }),
        );
      }
      for (const sub of subscriptions) {
        const stream = streams[sub.source].name;
        await ensureConsumer(jsm, stream, { durable: sub.durable, filterSubject: `${ns}.${sub.subject}`, ...CONSUMER_LIMITS });
        const metrics = opts.metrics[sub.service];
        const consumer = await startConsumer({
          js,
          stream,
          durable: sub.durable,
          check: sub.check,
          deadLetterSubject: `${ns}.dlq.${sub.durable}`,
          concurrency: CONSUMER_CONCURRENCY,
          log: log.child({ service: sub.service }),
          prefetch: CONSUMER_CONCURRENCY * 4,
          handler: (envelope, ctx) =>
            traceContext.run({ traceparent: childTraceparent(ctx.traceparent) }, async () => {
              const outcome = await sub.handler(envelope, ctx);
              metrics.messagesConsumed.inc({ subject: sub.subject, outcome: outcome.type });
              return outcome;
            }),
        });
        consumers.set(sub.durable, { service: sub.service, consumer });
      }
    },

    async stop() {
      for (const { consumer } of consumers.values()) await consumer.stop();
      for (const relay of relays.values()) await relay.stop();
      if (jsm && opts.ephemeral) {
        for (const def of Object.values(streams)) await jsm.streams.delete(def.name).catch(() => false);
      }
      await nc?.drain().catch(() => undefined);
      consumers.clear();
      relays.clear();
    },

    health(service) {
      const relay = relays.get(service)?.stats();
      const mine = [...consumers].filter(([, c]) => c.service === service);
      return {
        ...(relay ? { outbox: { published: relay.published, pending: relay.pending, lastError: relay.lastError ?? null } } : {}),
        consumers: Object.fromEntries(mine.map(([durable, { consumer }]) => [durable, consumer.stats()])),
        deadLetters: mine.reduce((n, [, c]) => n + c.consumer.stats().dead, 0),
      };
    },
  };
}
