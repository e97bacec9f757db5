import type { JetStreamClient } from '@nats-io/jetstream';
import { millis, type NatsConnection } from '@nats-io/transport-node';
import type { TSchema } from '@sinclair/typebox';
import type { TypeCheck } from '@sinclair/typebox/compiler';
import type { EventEnvelope } from './envelope.ts';
import type { EventLog } from './log.ts';

// What a consumer of a durable JetStream consumer is given and what it offers (consumer.ts starts one).

export const DEAD_REASON_HEADER = 'Interplay-Dead-Reason';
export const ORIGINAL_SUBJECT_HEADER = 'Interplay-Original-Subject';

/** where a consumer's dead letters go unless told otherwise */
export function deadLetterSubjectFor(stream: string, durable: string): string {
  return `dlq.${stream}.${durable}`;
}

/** What a handler decided. It commits its effect (and inbox row) before returning 'ack'. */
export type HandlerOutcome =
  | { readonly type: 'ack' }
  | { readonly type: 'retry'; readonly reason: string; /** ms; default: the consumer's backoff */ readonly delayMs?: number }
  | { readonly type: 'dead'; readonly reason: string };

export interface DeliveryContext {
  /** 1 on first delivery */
  readonly deliveryCount: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly subject: string;
  readonly streamSequence: number;
  /** from the message header, else the envelope */
  readonly traceparent: string | undefined;
}

export type EventHandler<D> = (envelope: EventEnvelope<D>, ctx: DeliveryContext) => Promise<HandlerOutcome>;

export interface ConsumerOptions<D> {
  readonly js: JetStreamClient;
  readonly stream: string;
  /** an existing durable pull consumer (see ensureConsumer) */
  readonly durable: string;
  readonly handler: EventHandler<D>;
  /** compiled check of the whole envelope, e.g. TypeCompiler.Compile(EnvelopeOf(OrderCreated)); default: envelope only */
  readonly check?: TypeCheck<TSchema>;
  /** default `dlq.<stream>.<durable>` */
  readonly deadLetterSubject?: string;
  /** handlers running at once; default 1. Above 1, events of one subject may be handled out of order. */
  readonly concurrency?: number;
  /**
   * messages each pull request asks for ahead of the handlers; default 16. The client pulls again as
   * they arrive, so what waits for a handler is bounded by the consumer's maxAckPending; the ack wait of
   * what waits is renewed while this process lives.
   */
  readonly prefetch?: number;
  /**
   * ms a pull request lives; the client expects the server's idle heartbeats at half of it and pulls
   * again after two are missed. Default the client's, 30000: a pull lost with a consumer's leader (a
   * cluster node gone) is then noticed only after about 30 s.
   */
  readonly pullExpiresMs?: number;
  /**
   * The connection `js` uses. Each time it is back after a loss (a broker restart), the consumer drops
   * its pull and pulls again as soon as the consumer answers, looked up on the loop's own short backoff.
   * Without it, the client's own recovery applies: it looks the consumer up again after half to one and a
   * half times `pullExpiresMs` when JetStream is not ready yet, so recovery is bounded by the expiry.
   */
  readonly connection?: Pick<NatsConnection, 'status'>;
  /**
   * Whether a handler's error means a dependency is unavailable (stopped, restarting) rather than that
   * the event is bad: such an event is held (its ack wait renewed) and tried again every HELD_RETRY_MS,
   * without spending one of its deliveries, so an outage of any length dead-letters nothing and the
   * event goes on as soon as the dependency is back. Default: the database is unavailable.
   */
  readonly unavailable?: (err: unknown) => boolean;
  readonly log?: EventLog;
}

export interface ConsumerStats {
  readonly processed: number;
  readonly retried: number;
  readonly dead: number;
  readonly lastDeadReason: string | undefined;
  readonly lastError: string | undefined;
}

export interface RunningConsumer {
  /** stops pulling, lets running handlers finish and naks what was pulled but not started */
  stop(): Promise<void>;
  stats(): ConsumerStats;
}

export interface Limits {
  /** -1: unlimited */
  readonly maxDeliver: number;
  readonly backoffMs: readonly number[];
  /** ms the broker waits for an ack before it delivers again */
  readonly ackWaitMs: number;
}

export function readLimits(info: { config: { max_deliver?: number; backoff?: number[]; ack_wait?: number } }): Limits {
  return {
    maxDeliver: info.config.max_deliver ?? -1,
    // With a backoff, the server waits its first step for the ack of a first delivery, not ack_wait.
    ackWaitMs: info.config.backoff?.[0] ? millis(info.config.backoff[0]) : info.config.ack_wait ? millis(info.config.ack_wait) : 30_000,
    backoffMs: (info.config.backoff ?? []).map((ns) => millis(ns)),
  };
}
