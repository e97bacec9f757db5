import type { Kysely } from 'kysely';

export interface Clock {
  /** ms since the epoch */
  now(): number;
}

export interface Ids {
  /** a new time-ordered unique id (UUIDv7) */
  next(): string;
}

/**
 * Where a use case records what changed, inside its own transaction (transactional outbox).
 * The RESTful style records nothing; the event styles write an outbox row.
 */
export type EventSink<DB, E> = (trx: Kysely<DB>, event: E) => Promise<void>;

export const noEvents = async (): Promise<void> => {};
