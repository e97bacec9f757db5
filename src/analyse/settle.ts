import type { SystemState } from './system-state.ts';

export interface SettleOptions {
  /** ms; how long the system may take to finish what it accepted: the settle window. Required, since it depends on the style and the load */
  readonly timeoutMs: number;
  /** ms between reads; default 250, so a settle of a few hundred users costs the system little */
  readonly intervalMs?: number;
}

/**
 * Settled: no order is pending and every finished order has told its user. In the event styles an
 * order finishes a moment before its notification is stored, so orders alone would stop too early.
 */
export const isSettled = (state: SystemState): boolean =>
  state.users.every((user) => {
    const notified = new Set(user.notifications.map((n) => n.orderId));
    return user.orders.every((o) => o.status !== 'pending' && notified.has(o.id));
  });

/**
 * Reads the state until it has settled or the deadline passes, and returns the last state read, so
 * the check reports whatever is still unfinished. A read that fails (a service still restarting) is
 * retried like an unsettled one; only when the deadline passes without any good read is its error thrown.
 */
export async function settle(read: () => Promise<SystemState>, opts: SettleOptions): Promise<SystemState> {
  const deadline = Date.now() + opts.timeoutMs;
  const interval = opts.intervalMs ?? 250;
  let last: SystemState | undefined;
  let failure: unknown;
  for (;;) {
    try {
      last = await read();
      failure = undefined;
      if (isSettled(last)) return last;
    } catch (error) {
      failure = error;
    }
    if (Date.now() + interval > deadline) {
      if (last) return last;
      throw new Error(`the system's state could not be read within ${opts.timeoutMs} ms`, { cause: failure });
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
