/**
 * Recovery time: from a fault's end (the component is back: restarted and ready) until every order
 * accepted before or during the fault is settled and its user notified. The notification is the
 * last step of an order in every style (it is sent once the outcome is recorded), so the time the
 * sink received it is when that order was done.
 */
export interface Recovery {
  /**
   * ms from the fault's end until the last of those orders was notified; 0 when all were notified
   * before it ended; null when some never were before the run stopped watching
   */
  readonly ms: number | null;
  /** orders answered 201 that were sent before the fault ended (a replay counts once) */
  readonly orders: number;
  /** of those, the ones never notified */
  readonly unfinished: number;
}

/** An order as the client saw it: when it was meant to be sent, and the id a 201 carried. */
export interface SentOrder {
  /** on `clock.now()` (ms) */
  readonly intendedAt: number;
  readonly orderId?: string;
}

/**
 * The recovery after a fault that ended at `endAt` (on `clock.now()`). Pure: `notifiedAt` is the
 * sink's first delivery time of an order, undefined when none came.
 */
export function recoveryAfter(attempts: readonly SentOrder[], notifiedAt: (orderId: string) => number | undefined, endAt: number): Recovery {
  const ids = new Set(attempts.flatMap((a) => (a.orderId !== undefined && a.intendedAt < endAt ? [a.orderId] : [])));
  let last = Number.NEGATIVE_INFINITY;
  let unfinished = 0;
  for (const id of ids) {
    const at = notifiedAt(id);
    if (at === undefined) unfinished++;
    else last = Math.max(last, at);
  }
  return { ms: unfinished > 0 ? null : Math.max(0, last - endAt), orders: ids.size, unfinished };
}

/**
 * Per fault carried out, when the incident it belongs to ended (ms after the load started): faults whose
 * spans (carried out → back) overlap form one incident, which ends when the last of them is back.
 * undefined for a fault skipped or without an end.
 */
export function incidentEnds(faults: readonly { readonly doneAtMs?: number; readonly backAtMs?: number; readonly skipped?: string }[]): (number | undefined)[] {
  const spans = faults.flatMap((f, i) => (f.skipped === undefined && f.doneAtMs !== undefined && f.backAtMs !== undefined ? [{ i, from: f.doneAtMs, to: f.backAtMs }] : []));
  spans.sort((a, b) => a.from - b.from);
  const ends: (number | undefined)[] = faults.map(() => undefined);
  for (let start = 0; start < spans.length; ) {
    let end = spans[start]!.to;
    let next = start + 1;
    while (next < spans.length && spans[next]!.from <= end) end = Math.max(end, spans[next++]!.to);
    for (let k = start; k < next; k++) ends[spans[k]!.i] = end;
    start = next;
  }
  return ends;
}

/** The longest of several recoveries: null (not recovered) wins, then the largest ms; undefined for none. */
export function slowestRecovery(recoveries: readonly Recovery[]): Recovery | undefined {
  const worse = (a: Recovery, b: Recovery): Recovery => {
    if (a.ms === null || b.ms === null) return b.ms === null && (a.ms !== null || b.unfinished > a.unfinished) ? b : a;
    return b.ms > a.ms ? b : a;
  };
  return recoveries.reduce<Recovery | undefined>((worst, r) => (worst ? worse(worst, r) : r), undefined);
}

/** "1.9 s", or "not reached (3 of 250 orders never notified)" */
export function recoveryText(r: Recovery): string {
  if (r.ms === null) return `not reached (${r.unfinished} of ${r.orders} orders never notified)`;
  return r.ms < 1_000 ? `${Math.round(r.ms)} ms` : `${(r.ms / 1000).toFixed(1)} s`;
}

/** A recovery followed live (the dashboard): how far it is, or how long it took. */
export interface LiveRecovery {
  /** what came back, e.g. "billing" */
  readonly what: string;
  /** orders accepted (or still unanswered) before the end and not yet notified */
  readonly left: number;
  /** ms it took; null while orders are left */
  readonly ms: number | null;
  /** ms since the end */
  readonly elapsedMs: number;
}

export interface RecoveryWatch {
  /** a request sent at `intendedAt` was answered 201; `notifiedAt` when its notification already came */
  accepted(orderId: string, intendedAt: number, notifiedAt: number | undefined): void;
  /** a request sent at `intendedAt` was answered otherwise, or not at all */
  refused(intendedAt: number): void;
  /** an order's notification came */
  notified(orderId: string, at: number): void;
  state(now: number): LiveRecovery;
}

/**
 * Follows the recovery after `what` came back at `endAt` (on `clock.now()`): `waiting` are the orders
 * accepted and not notified then, `open` the requests sent before and not answered yet (an order among
 * them answered 201 joins the wait). Recovered once none is left; the time is that of the last notification.
 */
export function watchRecovery(what: string, endAt: number, waiting: Iterable<string>, open: number): RecoveryWatch {
  const left = new Set(waiting);
  let unanswered = open;
  let lastAt = endAt;
  let doneMs: number | null = null;
  const check = () => {
    if (doneMs === null && left.size === 0 && unanswered <= 0) doneMs = Math.max(0, lastAt - endAt);
  };
  check();
  return {
    accepted(orderId, intendedAt, notifiedAt) {
      if (intendedAt >= endAt) return;
      unanswered--;
      if (notifiedAt === undefined) left.add(orderId);
      else lastAt = Math.max(lastAt, notifiedAt);
      check();
    },
    refused(intendedAt) {
      if (intendedAt >= endAt) return;
      unanswered--;
      check();
    },
    notified(orderId, at) {
      if (!left.delete(orderId)) return;
      lastAt = Math.max(lastAt, at);
      check();
    },
    state: (now) => ({ what, left: left.size + Math.max(0, unanswered), ms: doneMs, elapsedMs: Math.max(0, now - endAt) }),
  };
}
