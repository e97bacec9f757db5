import { hostname } from 'node:os';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import pino from 'pino';
import { logDestination } from '../../platform/logs.ts';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
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
  streamTrimmer,
  type EventHandler,
  type OutboxRelay,
  type RunningConsumer,
  type StreamTrimmer,
} from '../../platform/events/index.ts';
import { brokerHealthProbe, type BrokerHealthProbe } from '../../platform/events/broker-health.ts';
import { consumerLeader, whileBrokerRecovers } from '../../platform/events/transient.ts';
import { NATS_CLIENT_OPTIONS, NATS_RECONNECT_OPTIONS, natsServers } from '../../platform/events/connection.ts';
import type { ServiceMetrics } from '../../platform/metrics.ts';
import { isPeerUnavailable } from '../../platform/http/errors.ts';
import { isDatabaseUnavailable } from '../../platform/store/errors.ts';
import { recordConsume, recordPublish } from '../../platform/spans.ts';
import { currentTraceparent, traceContext } from '../../platform/trace-context.ts';
import type { ServiceName } from '../../model/style.ts';
import { CLUSTER_PULL_EXPIRES_MS, CONSUMER_CONCURRENCY, CONSUMER_LIMITS, PULL_EXPIRES_MS, RELAY_POLL_MS } from './bus-settings.ts';

/** The stream a subject belongs to: one per source service. */
export type Source = 'AUTH' | 'ORDERS' | 'BILLING';

/** What a domain event becomes on the wire; `subject` is without the run's namespace. */
export interface OutgoingMessage {
  readonly subject: string;
  readonly type: string;
  readonly data: unknown;
}

/** A durable consumer of the system, whoever runs it. */
export interface ConsumerDeclaration {
  /** durable consumer name, one per (consumer service, subject), shared by the service's replicas */
  readonly durable: string;
  readonly source: Source;
  /** without the run's namespace */
  readonly subject: string;
}

export interface Subscription<D> extends ConsumerDeclaration {
  /** the whole envelope with the fields this consumer needs; anything else fails to the dead letters */
  readonly check: TypeCheck<TSchema>;
  readonly handler: EventHandler<D>;
}

export interface EventBusOptions {
  readonly url: string;
  /** prefixes streams and subjects, so several systems can share one NATS server */
  readonly namespace: string;
  /** the one service this bus serves: its outbox, its consumers, its connection */
  readonly service: ServiceName;
  /** the service's database: it gets the outbox and inbox tables */
  readonly db: Kysely<any>;
  /** whether the service records events, and so runs an outbox relay */
  readonly publishes: boolean;
  /**
   * Every durable consumer of the system, this service's and the others'. On one server the event
   * streams keep a message only for the consumers that exist when it arrives (interest retention),
   * and on a cluster they are trimmed to the consumers' floor, so each service makes all of them
   * before its relay publishes anything, whichever service starts first.
   */
  readonly consumers: readonly ConsumerDeclaration[];
  readonly metrics: ServiceMetrics;
  /** pino level of the relay's and consumers' logs (dead letters are warnings); default 'warn' */
  readonly logLevel?: string;
  /** replicas of every stream and consumer (BusConfig.replicas); default the server's, 1 */
  readonly replicas?: number;
  /** which replica of the service this process is: names its relay's claims across restarts */
  readonly replica?: number;
}

export interface EventBus {
  /** where the service's use cases record events: its outbox, in their own transaction */
  publisher<DB, E>(encode: (event: E) => OutgoingMessage): EventSink<DB, E>;
  subscribe<D>(subscription: Subscription<D>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): Record<string, unknown>;
}


export function eventBus(opts: EventBusOptions): EventBus {
  const ns = opts.namespace;
  // Dead letters, retries after errors and broker trouble go to stderr, so they show in `up`'s output.
  const log = pino({ base: { component: 'events', service: opts.service }, level: opts.logLevel ?? 'warn' }, logDestination());
  const replicas = opts.replicas;
  const streams = streamsFor(ns, replicas);
  const subscriptions: Subscription<any>[] = [];
  const consumers = new Map<string, RunningConsumer>();
  let relay: OutboxRelay | undefined;
  let nc: NatsConnection | undefined;
  let broker: BrokerHealthProbe | undefined;
  /** the stream this service's relay publishes to, if it publishes */
  const own = OWN_STREAM[opts.service];
  const ownStream = own ? streams[own] : undefined;
  /** its trimmer, when it keeps messages until trimmed (limits retention, a cluster's) */
  let trimmer: StreamTrimmer | undefined;

  const consumerDefinition = (declared: ConsumerDeclaration) => ({
    durable: declared.durable,
    filterSubject: `${ns}.${declared.subject}`,
    ...CONSUMER_LIMITS,
    ...(replicas ? { replicas } : {}),
  });

  return {
    publisher<DB, E>(encode: (event: E) => OutgoingMessage): EventSink<DB, E> {
      return async (tx, event) => {
        const message = encode(event);
        const envelope = newEnvelope(message.type, message.data, { traceparent: childTraceparent(currentTraceparent()) });
        // Written already claimed by this process's relay, and handed to it once committed: the relay
        // publishes it without a claim statement (a commit of its own) per event. Were the process to
        // die first, the claim's lease runs out and another relay takes the row.
        const publishing = relay;
        const row = await appendToOutbox(tx.trx as unknown as Kysely<any>, {
          subject: `${ns}.${message.subject}`,
          envelope,
          claim: publishing?.claimForNewRows(),
        });
        tx.afterCommit(() => (publishing ? publishing.handOver([row]) : relay?.wake()));
      };
    },

    subscribe(subscription) {
      subscriptions.push(subscription);
    },

    async start() {
      await createEventTables(opts.db);
      nc = await connect({
        ...NATS_CLIENT_OPTIONS,
        // Every seed: a service starting while one node of a cluster is down still connects.
        servers: natsServers(opts.url),
        name: `interplay-${ns}-${opts.service}`,
        ...NATS_RECONNECT_OPTIONS,
      });
      // A service may start while its cluster elects a leader (chaos restarts it while a node is down):
      // the JetStream API answers 503 until then, so each start-up call waits that out (transient.ts).
      const connection = nc;
      const jsm = await whileBrokerRecovers(() => jetstreamManager(connection), { what: 'jetstream', log });
      const js = jetstream(nc);
      const settle = <T>(what: string, call: () => Promise<T>) => whileBrokerRecovers(call, { what, log });
      for (const def of Object.values(streams)) await settle(`stream ${def.name}`, () => ensureStream(jsm, def));
      broker = brokerHealthProbe({ nc, jsm, streams: [streams.ORDERS.name, streams.BILLING.name, streams.AUTH.name], replicas: replicas ?? 1 });
      for (const declared of opts.consumers) {
        await settle(`consumer ${declared.durable}`, () => ensureConsumer(jsm, streams[declared.source].name, consumerDefinition(declared)));
      }
      if (opts.publishes) {
        // A limits-retention stream (a cluster's, see eventRetention) is trimmed to what its consumers
        // still owe by the service that publishes to it, after its publishes.
        if (ownStream?.retention === 'limits') trimmer = streamTrimmer({ jsm, stream: ownStream.name, log });
        relay = startOutboxRelay({
          db: opts.db,
          relayId: relayIdOf(opts.service, opts.replica),
          js,
          log,
          pollMs: RELAY_POLL_MS,
          onPublished: (subject, bytes, duplicate, span) => {
            trimmer?.published();
            if (duplicate) return;
            const label = { subject: subject.slice(ns.length + 1) };
            opts.metrics.messagesPublished.inc(label);
            opts.metrics.messageBytesPublished.inc(label, bytes);
            // The message carries the publish span's own context; what it continued is not kept in the outbox.
            recordPublish(opts.service, label.subject, undefined, span.startMs, span.endMs, span.traceparent);
          },
        });
      }
      const clusteredStream = (replicas ?? 1) > 1;
      if (relay) void followBrokerConnection(nc, relay, { reconnectIsElection: clusteredStream });
      if (relay && ownStream && clusteredStream) followElections(nc, ownStream.name, relay);
      // The server names its cluster when it is part of one, replicated or not: a node lost there loses
      // the pulls parked on it without a disconnect.
      const clustered = (replicas ?? 1) > 1 || Boolean(nc.info?.cluster);
      for (const sub of subscriptions) {
        const stream = streams[sub.source].name;
        // Made above when the system declares it; a subscription of its own is made here.
        if (!opts.consumers.some((declared) => declared.durable === sub.durable)) {
          await settle(`consumer ${sub.durable}`, () => ensureConsumer(jsm, stream, consumerDefinition(sub)));
        }
        if ((replicas ?? 1) > 1) await settle(`leader of ${sub.durable}`, () => consumerLeader(jsm, stream, sub.durable));
        const consumer = await settle(`consume ${sub.durable}`, () => startConsumer({
          js,
          stream,
          durable: sub.durable,
          check: sub.check,
          deadLetterSubject: `${ns}.dlq.${sub.durable}`,
          concurrency: CONSUMER_CONCURRENCY,
          log,
          prefetch: CONSUMER_CONCURRENCY * 4,
          pullExpiresMs: clustered ? CLUSTER_PULL_EXPIRES_MS : PULL_EXPIRES_MS,
          connection: nc,
          unavailable: (err) => isPeerUnavailable(err) || isDatabaseUnavailable(err),
          handler: (envelope, ctx) => {
            const self = childTraceparent(ctx.traceparent);
            return traceContext.run({ traceparent: self }, async () => {
              const startMs = Date.now();
              const outcome = await sub.handler(envelope, ctx);
              opts.metrics.messagesConsumed.inc({ subject: sub.subject, outcome: outcome.type });
              recordConsume(opts.service, sub.subject, sub.durable, ctx.traceparent, startMs, Date.now(), self, outcome.type !== 'ack');
              return outcome;
            });
          },
        }));
        consumers.set(sub.durable, consumer);
      }
    },

    async stop() {
      for (const consumer of consumers.values()) await consumer.stop();
      await relay?.stop();
      trimmer?.stop();
      trimmer = undefined;
      await nc?.drain().catch(() => undefined);
      consumers.clear();
      relay = undefined;
    },

    health() {
      const stats = relay?.stats();
      const all = [...consumers];
      return {
        ...(stats ? { outbox: { published: stats.published, pending: stats.pending, refused: stats.refused, lastError: stats.lastError ?? null } } : {}),
        consumers: Object.fromEntries(all.map(([durable, consumer]) => [durable, consumer.stats()])),
        deadLetters: all.reduce((n, [, c]) => n + c.stats().dead, 0),
        ...(broker ? { nats: broker.read() } : {}),
      };
    },
  };
}

/**
 * Names a relay's claims on outbox rows. A replica keeps its name across restarts (host and replica
 * number: a supervisor numbers the replicas of a host, and a container has a host name of its own),
 * so a process started again after a crash takes over at once the rows its predecessor had claimed
 * and not yet published, instead of leaving them until their lease runs out (OUTBOX_LEASE_MS, 30 s)
 * with every order that waits on them. Only one process holds a replica's number at a time: the
 * supervisor starts it again after the last one exited. Without a replica number, the process id.
 */
export function relayIdOf(service: string, replica: number | undefined): string {
  return replica === undefined ? `${service}-${process.pid}` : `${service}@${hostname()}#${replica}`;
}

/**
 * Tells the relay each time the connection is lost and back, so what failed while the broker was gone
 * goes out at once, and what a broker shutting down acknowledged and dropped goes out again. With
 * `reconnectIsElection` (a cluster) a reconnect is also taken for a leader election: the election
 * advisories (followElections) are sent once, to whoever listens then, and a connection that was lost,
 * its node gone, which is when elections happen, missed the ones sent meanwhile.
 */
export async function followBrokerConnection(
  nc: Pick<NatsConnection, 'status'>,
  relay: Pick<OutboxRelay, 'brokerLost' | 'brokerBack' | 'leaderElected'>,
  opts: { readonly reconnectIsElection?: boolean } = {},
): Promise<void> {
  // The iterator ends when the connection closes.
  for await (const status of nc.status()) {
    if (status.type === 'disconnect') relay.brokerLost();
    else if (status.type === 'reconnect') {
      relay.brokerBack();
      if (opts.reconnectIsElection) relay.leaderElected();
    }
  }
}

/** The stream each publishing service's events go to. */
const OWN_STREAM: Partial<Record<ServiceName, Source>> = { auth: 'AUTH', order: 'ORDERS', billing: 'BILLING' };

/**
 * Tells the relay each time a leader of its stream, or of a consumer of that stream, is elected (the
 * broker's advisories), so it publishes again what it sent just before: on a cluster of nats-server 2.9
 * that is when acknowledged events turn out lost (REPUBLISH_BEFORE_ELECTION_MS). One subscription each,
 * silent but for elections; the elections missed while the connection was down come from
 * followBrokerConnection's `reconnectIsElection`.
 */
export function followElections(nc: Pick<NatsConnection, 'subscribe'>, stream: string, relay: Pick<OutboxRelay, 'leaderElected'>): void {
  nc.subscribe(`$JS.EVENT.ADVISORY.STREAM.LEADER_ELECTED.${stream}`, { callback: () => relay.leaderElected() });
  nc.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.LEADER_ELECTED.${stream}.*`, { callback: () => relay.leaderElected() });
}

/** Removes a namespace's streams: the end of a system whose data directory was temporary. */
export async function removeStreams(url: string, namespace: string): Promise<void> {
  const nc = await connect({ servers: natsServers(url), name: `interplay-${namespace}-cleanup` });
  try {
    const jsm = await jetstreamManager(nc);
    for (const def of Object.values(streamsFor(namespace))) await jsm.streams.delete(def.name).catch(() => false);
  } finally {
    await nc.drain().catch(() => undefined);
  }
}
