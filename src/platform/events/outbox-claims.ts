import type { ExpressionBuilder, Kysely } from 'kysely';
import type { EventTables, OutboxTable } from './tables.ts';
import { forClaiming } from '../store/dialect.ts';

export interface OutboxClaim {
  /** the relay claiming; its own earlier claims are taken again (a retry after a failed publish) */
  readonly relayId: string;
  /** ms since epoch */
  readonly now: number;
  /** ms the rows stay this relay's before another may take them over */
  readonly leaseMs: number;
  /** most rows claimed at once */
  readonly batch: number;
}

/** Unsent rows that no other relay holds: never claimed, lease run out, or already this relay's. */
const claimable = (relayId: string, now: number) => (eb: ExpressionBuilder<EventTables, 'outbox'>) =>
  eb.and([
    eb('sent_at', 'is', null),
    eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now), eb('claimed_by', '=', relayId)]),
  ]);

/**
 * Claims the oldest claimable rows for one relay, in one statement, and returns them in id order.
 * Several relays on one outbox (one per replica) so publish each row once in the normal course.
 * On PostgreSQL the subquery locks the rows it picks and skips those another relay's claim holds
 * locked (forClaiming: FOR UPDATE SKIP LOCKED), so two relays claiming at once take different rows.
 * The condition is repeated outside the subquery all the same: should a row's lease change between the
 * subquery and the update, READ COMMITTED re-checks it against the row's latest version.
 */
export async function claimOutboxRows(db: Kysely<EventTables>, claim: OutboxClaim): Promise<OutboxTable[]> {
  const { relayId, now, leaseMs, batch } = claim;
  const rows = await db
    .updateTable('outbox')
    .set({ claimed_by: relayId, claimed_until: now + leaseMs })
    .where((eb) =>
      eb('id', 'in', forClaiming(db, eb.selectFrom('outbox').select('id').where(claimable(relayId, now)).orderBy('id').limit(batch))),
    )
    .where(claimable(relayId, now))
    .returningAll()
    .execute();
  // RETURNING promises no order; the stream should get the rows in the order they were written.
  return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Hands a stopping relay's unsent rows back at once, instead of after its lease. */
export async function releaseOutboxClaims(db: Kysely<EventTables>, relayId: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ claimed_by: null, claimed_until: null })
    .where('claimed_by', '=', relayId)
    .where('sent_at', 'is', null)
    .execute();
}

/**
 * Makes this relay's rows marked sent since `since` (ms since epoch) unsent again, so that its next
 * claim publishes them once more. See REPUBLISH_BEFORE_LOSS_MS and REPUBLISH_BEFORE_ELECTION_MS
 * (relay-broker-loss.ts). Returns the ids of the rows it reopened.
 */
export async function reopenSentRows(db: Kysely<EventTables>, relayId: string, since: number): Promise<string[]> {
  const rows = await db
    .updateTable('outbox')
    .set({ sent_at: null })
    .where('claimed_by', '=', relayId)
    .where('sent_at', '>=', since)
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}
