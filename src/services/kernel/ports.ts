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
 * A transaction in progress (see withTx). Code inside it reads and writes through `trx`, never
 * through a handle captured at wiring time: with several connections (PostgreSQL, or several
 * processes on one SQLite file) that handle would not see the transaction's own writes.
 */
export interface UnitOfWork<DB> {
  readonly trx: Kysely<DB>;
  /** runs `hook` once the outermost transaction has committed; never after a rollback */
  afterCommit(hook: () => void): void;
}

/**
 * Where a use case records what changed, inside its own transaction (transactional outbox).
 * The RESTful style records nothing; the event styles write an outbox row and, after the
 * commit, wake the relay.
 */
export type EventSink<DB, E> = (tx: UnitOfWork<DB>, event: E) => Promise<void>;

export const noEvents = async (): Promise<void> => {};
