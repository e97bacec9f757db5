import type { Kysely } from 'kysely';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { EventTables, OutboxRowClaim, OutboxTable } from './tables.ts';
import type { EventLog } from './log.ts';

/** What a relay of the transactional outbox is given and what it offers (relay.ts starts one). */
export interface OutboxRelayOptions<DB extends EventTables> {
  /** the service's own database; the relay claims committed rows through it and marks them sent */
  readonly db: Kysely<DB>;
  readonly js: JetStreamClient;
  /**
   * ms between polls; default 1000. wake() covers the common case; the poll catches rows whose wake
   * never came: committed before a restart, by another process on the same DB, or during a backoff.
   */
  readonly pollMs?: number;
  /** rows read and published per round trip to the database; default 100 */
  readonly batch?: number;
  readonly log?: EventLog;
  /** ms before retrying after a failed publish, doubled per failure; default 100 */
  readonly retryMinMs?: number;
  /**
   * ms; cap of the doubling; default 2000. A broker that comes back is noticed at once (brokerBack());
   * the cap is for what no reconnect announces, a cluster electing a stream leader that refuses
   * publishes meanwhile: its events go out at most 2 s after the election, for one claim statement
   * and one refused publish per 2 s while it lasts.
   */
  readonly retryMaxMs?: number;
  /** ms to wait for the broker's ack of one publish; default 5000 */
  readonly publishTimeoutMs?: number;
  /** called after the broker acknowledged a row, e.g. to count messages and bytes in metrics */
  readonly onPublished?: (subject: string, bytes: number, duplicate: boolean, span: PublishSpan) => void;
  /**
   * ms a published row may wait to be marked sent, so that the rows published meanwhile share one
   * commit; default MARK_DELAY_MS (outbox-marks.ts). 0 marks after every batch, as soon as the broker acknowledged it.
   */
  readonly markDelayMs?: number;
  /** ms a sent row stays before the relay deletes it; default OUTBOX_KEEP_SENT_MS (outbox-marks.ts) */
  readonly keepSentMs?: number;
  /** ms since epoch, for sent_at and leases; default Date.now */
  readonly now?: () => number;
  /** names this relay's claims on outbox rows; default a random UUID, unique per start */
  readonly relayId?: string;
  /** ms a claimed row stays this relay's; default OUTBOX_LEASE_MS */
  readonly leaseMs?: number;
}

/** When a publish ran, and the trace context the message carries, for a span of it. */
export interface PublishSpan {
  readonly traceparent: string | undefined;
  /** ms since the epoch */
  readonly startMs: number;
  readonly endMs: number;
}

export interface SubjectTraffic {
  readonly messages: number;
  /** payload bytes (the JSON envelope), headers excluded */
  readonly bytes: number;
}

export interface OutboxRelayStats {
  /** rows the broker acknowledged, duplicates included */
  readonly published: number;
  /** acks the broker flagged as duplicates of an earlier Nats-Msg-Id (a republish after a crash) */
  readonly duplicates: number;
  /** unsent rows seen at the end of the last pass */
  readonly pending: number;
  /**
   * publishes the broker refused or did not acknowledge in time (no quorum, no responders, a lost
   * connection); each row is retried, so this counts attempts, not lost events
   */
  readonly refused: number;
  readonly lastError: string | undefined;
  readonly bySubject: ReadonlyMap<string, SubjectTraffic>;
}

export interface OutboxRelay {
  /** call after committing a transaction that appended to the outbox: the relay claims what is unsent */
  wake(): void;
  /** a claim to append rows with, so that they are this relay's from their commit on */
  claimForNewRows(): OutboxRowClaim;
  /**
   * Call after committing rows appended with claimForNewRows(): the relay publishes them on its next
   * pass as they are, without reading the outbox or claiming them, then marks them sent.
   */
  handOver(rows: readonly OutboxTable[]): void;
  /**
   * Call when the connection to the broker is back (a reconnect): what failed while it was gone is
   * tried now, not after the rest of the backoff, and a later failure backs off from the start again.
   * After a brokerLost(), the rows marked sent from REPUBLISH_BEFORE_LOSS_MS before it are published again.
   */
  brokerBack(): void;
  /** Call when the connection to the broker is lost (a disconnect): brokerBack() republishes what it may have dropped. */
  brokerLost(): void;
  /**
   * Call when a leader of this relay's stream, or of a consumer of it, was elected (a cluster): the rows
   * marked sent from REPUBLISH_BEFORE_ELECTION_MS before are published again under new message ids.
   */
  leaderElected(): void;
  /** stops polling, waits for the pass in flight and hands its unsent rows back to the other relays */
  stop(): Promise<void>;
  stats(): OutboxRelayStats;
}
