import type { Kysely } from 'kysely';
import { claimInbox, type HandlerOutcome } from '../../platform/events/index.ts';
import { withTx } from '../../services/kernel/index.ts';

class Undo {
  constructor(readonly outcome: HandlerOutcome) {}
}

export const ACK: HandlerOutcome = { type: 'ack' };
export const retry = (reason: string, delayMs?: number): HandlerOutcome => ({ type: 'retry', reason, delayMs });
export const dead = (reason: string): HandlerOutcome => ({ type: 'dead', reason });

/**
 * What another event has not brought yet (an account, a contact): ask again after 0.25, 0.5, 1, 2, 4 s,
 * so the other consumer has several seconds to catch up before the deliveries run out.
 */
export const notYet = (reason: string, deliveryCount: number): HandlerOutcome =>
  retry(reason, Math.min(250 * 2 ** (deliveryCount - 1), 5_000));

/**
 * Applies an event's effect at most once: the processed event id is recorded in the same
 * transaction as the effect, and the ack comes after the commit. An effect that asks for a
 * retry or the dead letters rolls back, the inbox row with it. The use cases the effect calls
 * join the transaction (withTx), so what they defer to afterCommit waits for this commit.
 */
export async function applyOnce<DB>(
  db: Kysely<DB>,
  consumer: string,
  eventId: string,
  effect: (trx: Kysely<DB>) => Promise<HandlerOutcome>,
): Promise<HandlerOutcome> {
  try {
    return await withTx(db, async ({ trx }) => {
      if (!(await claimInbox(trx as unknown as Kysely<any>, consumer, eventId))) return ACK;
      const outcome = await effect(trx);
      if (outcome.type !== 'ack') throw new Undo(outcome);
      return outcome;
    });
  } catch (error) {
    if (error instanceof Undo) return error.outcome;
    throw error;
  }
}
