/**
 * One socket write per turn of the event loop for a connection's acks and publishes.
 *
 * nats.js writes what was queued on a connection one microtask after the first command: commands issued
 * in one synchronous block share a write, but an ack that follows its handler's commit a few awaits
 * after the relay published that commit's event goes out in a write of its own, and so does each ack
 * of handlers whose group commit ended in the same turn. Queued here instead, every ack, nak, term,
 * working and relay publish that comes due in one turn is issued from one setImmediate callback, in the
 * order queued, so the client writes them together.
 *
 * Nothing is issued earlier than it was asked for, only up to one turn later: an ack queued after its
 * commit still leaves after it.
 *
 * Batch acknowledgement (an AckAll consumer, whose ack of sequence N acknowledges everything before it)
 * is not used: each consumer runs 16 handlers at once, out of order, and the replicas of a service share
 * one durable consumer, so an ack of N would acknowledge messages that another handler, or another
 * process, is still handling or is about to nak. One that then failed, or whose process died before
 * its commit, would never be delivered again. Explicit acks batched into one write cost the broker the
 * same reads as one AckAll, without that loss.
 */

interface Queued {
  readonly issue: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: unknown) => void;
}

export interface SocketTurn {
  /**
   * Calls `issue` in the next check phase, together with everything else queued on this connection in
   * the current turn; resolves with what it returned (awaited) or rejects with what it threw.
   */
  issue<T>(issue: () => T | Promise<T>): Promise<T>;
}

const turns = new WeakMap<object, SocketTurn>();

/** The turn of one connection, shared by everything that writes on it (the consumers' acks, the relay). */
export function socketTurn(connection: object): SocketTurn {
  let turn = turns.get(connection);
  if (!turn) {
    turn = newSocketTurn();
    turns.set(connection, turn);
  }
  return turn;
}

export function newSocketTurn(): SocketTurn {
  let queued: Queued[] = [];
  const run = (): void => {
    const batch = queued;
    queued = [];
    for (const q of batch) {
      try {
        // Each call is synchronous up to its write into the client's buffer; the buffer is written once.
        Promise.resolve(q.issue()).then(q.resolve, q.reject);
      } catch (err) {
        // A closed connection throws on publish: the caller sees it as if it had called directly.
        q.reject(err);
      }
    }
  };
  return {
    issue<T>(issue: () => T | Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (queued.length === 0) setImmediate(run);
        queued.push({ issue, resolve: resolve as (value: unknown) => void, reject });
      });
    },
  };
}
