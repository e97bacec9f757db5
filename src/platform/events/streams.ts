import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, ReplayPolicy, RetentionPolicy } from '@nats-io/jetstream';
import type { ConsumerInfo, JetStreamManager, StreamInfo } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';

export interface StreamDefinition {
  readonly name: string;
  readonly subjects: readonly string[];
  /**
   * ms; how long JetStream remembers a Nats-Msg-Id. A relay that dies between publish and marking
   * a row sent is deduplicated by the server if it republishes within this window, and by the
   * consumers' inbox after it. Default 120000 (the server's default).
   */
  readonly duplicateWindowMs: number;
  /**
   * When a message may go. 'interest' (the event streams on one server): once every durable consumer
   * whose filter takes it has acknowledged it, so a stream holds only what some consumer still owes,
   * and stays as small as its backlog however many orders the system has seen. A message no consumer
   * wants is dropped on arrival, so the consumers must exist before anything is published.
   * 'limits' (default; the dead letters, and the event streams on a cluster): kept until removed; the
   * event streams are trimmed to what a consumer still owes by their publishers (stream-trim.ts).
   */
  readonly retention?: 'interest' | 'limits';
  /**
   * copies of the stream on a cluster (num_replicas); default the server's, 1. 3 keeps a quorum,
   * and so accepts publishes, while one node of three is lost. An existing stream is scaled to it.
   */
  readonly replicas?: number;
}

const TWO_MINUTES = 120_000;

/**
 * The event streams' retention with `replicas` copies. Interest retention on a cluster of nats-server
 * 2.9 loses events: each copy of a stream decides on its own whether a consumer wants a message, and a
 * node catching up after a restart, its consumers not loaded yet, stores the messages it missed as
 * deleted. Should that node then lead the consumer, the consumer steps over them as acknowledged.
 * Seen in chaos runs (a node killed and back, under load): payments made whose events no order
 * service ever got, the stream's other copies still holding them below the consumer's floor
 * (nats-server fixed interest state across copies in 2.10). With limits retention no copy drops
 * anything; one server has no copies to disagree.
 */
export const eventRetention = (replicas: number | undefined): 'interest' | 'limits' => ((replicas ?? 1) > 1 ? 'limits' : 'interest');

/**
 * One stream per source service, plus the dead letters, all under one namespace (streams
 * `<ns>_AUTH`…, subjects `<ns>.auth.>`…), so several systems can share a NATS server; `replicas`
 * copies of each when given (a cluster), else the server's default, 1.
 */
export function streamsFor(ns: string, replicas?: number): Record<'AUTH' | 'ORDERS' | 'BILLING' | 'DLQ', StreamDefinition> {
  const stream = (name: string, prefix: string, retention: 'interest' | 'limits'): StreamDefinition => ({
    name: `${ns}_${name}`,
    subjects: [`${ns}.${prefix}.>`],
    duplicateWindowMs: TWO_MINUTES,
    retention,
    ...(replicas ? { replicas } : {}),
  });
  const events = eventRetention(replicas);
  return {
    AUTH: stream('AUTH', 'auth', events),
    ORDERS: stream('ORDERS', 'orders', events),
    BILLING: stream('BILLING', 'billing', events),
    DLQ: stream('DLQ', 'dlq', 'limits'),
  };
}

/**
 * Adds the stream, or updates subjects and duplicate window if it exists. The retention is set when
 * the stream is made: a server refuses to change it later, so a stream made with another keeps its own.
 */
export async function ensureStream(jsm: JetStreamManager, def: StreamDefinition): Promise<StreamInfo> {
  const wanted = {
    subjects: [...def.subjects],
    duplicate_window: nanos(def.duplicateWindowMs),
    ...(def.replicas ? { num_replicas: def.replicas } : {}),
  };
  const retention = def.retention === 'interest' ? RetentionPolicy.Interest : RetentionPolicy.Limits;
  const existing = await infoOrUndefined(() => jsm.streams.info(def.name), JetStreamApiCodes.StreamNotFound);
  if (existing) {
    const sameReplicas = !def.replicas || existing.config.num_replicas === def.replicas;
    if (sameSubjects(existing.config.subjects, wanted.subjects) && existing.config.duplicate_window === wanted.duplicate_window && sameReplicas) {
      return existing;
    }
    return jsm.streams.update(def.name, { ...existing.config, ...wanted });
  }
  try {
    return await jsm.streams.add({ name: def.name, retention, ...wanted });
  } catch (err) {
    // Another process created it between our info and add.
    const raced = await infoOrUndefined(() => jsm.streams.info(def.name), JetStreamApiCodes.StreamNotFound);
    if (!raced) throw err;
    return jsm.streams.update(def.name, { ...raced.config, ...wanted });
  }
}

export interface ConsumerDefinition {
  /** durable name: one per (consumer service, subject), e.g. `billing-order-created` */
  readonly durable: string;
  readonly filterSubject: string;
  /** bound on delivered-but-unacked messages; the broker stops delivering beyond it */
  readonly maxAckPending: number;
  /** ms the broker waits for an ack before redelivering. With backoffMs the server uses backoffMs[0] instead. */
  readonly ackWaitMs: number;
  /** ms between redeliveries after ack timeouts; the consumer also uses it to delay naks of thrown errors */
  readonly backoffMs?: readonly number[];
  /** deliveries before the message is dead-lettered; must exceed backoffMs.length */
  readonly maxDeliver: number;
  /**
   * copies of the consumer's state (num_replicas); default the stream's. Set to the stream's own:
   * a consumer of an interest stream must have as many replicas as the stream, and a consumer on a
   * node of its own would be lost with it.
   */
  readonly replicas?: number;
}

export class InvalidConsumerDefinition extends Error {
  override readonly name = 'InvalidConsumerDefinition';
  readonly code = 'EVENTS.INVALID_CONSUMER_DEFINITION';
}

/** Adds the durable pull consumer, or updates its mutable settings if it exists. */
export async function ensureConsumer(
  jsm: JetStreamManager,
  stream: string,
  def: ConsumerDefinition,
): Promise<ConsumerInfo> {
  const backoff = def.backoffMs ?? [];
  if (def.maxDeliver < 1 || (backoff.length > 0 && def.maxDeliver <= backoff.length)) {
    throw new InvalidConsumerDefinition(
      `consumer ${def.durable}: maxDeliver (${def.maxDeliver}) must be >= 1 and exceed backoffMs.length (${backoff.length})`,
    );
  }
  const mutable = {
    ack_wait: nanos(def.ackWaitMs),
    max_deliver: def.maxDeliver,
    max_ack_pending: def.maxAckPending,
    ...(backoff.length > 0 ? { backoff: backoff.map(nanos) } : {}),
    ...(def.replicas ? { num_replicas: def.replicas } : {}),
  };
  const existing = await infoOrUndefined(() => jsm.consumers.info(stream, def.durable), JetStreamApiCodes.ConsumerNotFound);
  if (existing) {
    // Every service of a system ensures every consumer as it starts. On a cluster an update is a Raft
    // proposal that can drop the pull requests already waiting on the consumer's leader (a consumer
    // of a service that started first then sits idle until its client's heartbeat check re-pulls), so
    // a consumer that already has these settings is left alone.
    if (existing.config.filter_subject === def.filterSubject && sameSettings(existing.config, mutable)) return existing;
    // Changing the filter needs nats-server 2.10+; older servers reject it with a clear API error.
    const filter = existing.config.filter_subject === def.filterSubject ? {} : { filter_subject: def.filterSubject };
    return jsm.consumers.update(stream, def.durable, { ...mutable, ...filter });
  }
  try {
    return await jsm.consumers.add(stream, {
      durable_name: def.durable,
      filter_subject: def.filterSubject,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      replay_policy: ReplayPolicy.Instant,
      ...mutable,
    });
  } catch (err) {
    const raced = await infoOrUndefined(() => jsm.consumers.info(stream, def.durable), JetStreamApiCodes.ConsumerNotFound);
    if (!raced) throw err;
    return sameSettings(raced.config, mutable) ? raced : jsm.consumers.update(stream, def.durable, mutable);
  }
}

async function infoOrUndefined<T>(get: () => Promise<T>, notFound: number): Promise<T | undefined> {
  try {
    return await get();
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === notFound) return undefined;
    throw err;
  }
}

/** whether a consumer's config already has every setting in `wanted` (the server echoes them back as sent) */
function sameSettings(config: ConsumerInfo['config'], wanted: Readonly<Record<string, unknown>>): boolean {
  const current = config as unknown as Record<string, unknown>;
  return Object.entries(wanted).every(([key, value]) => JSON.stringify(current[key]) === JSON.stringify(value));
}

function sameSubjects(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && [...a].sort().join(' ') === [...b].sort().join(' ');
}
