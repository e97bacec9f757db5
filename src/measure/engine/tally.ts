import { LatencyHistogram } from './histogram.ts';

/** What a request function resolves to. `status` >= 400 counts as an error. */
export interface LoadResponse {
  readonly status: number;
  /** the caller's classification, e.g. 'accepted' or 'insufficient_funds'; counted in `byKind` */
  readonly kind?: string;
  readonly data?: unknown;
}

/** Counts for the requests whose intended time fell in the warm-up; kept apart from the statistics. */
export interface WarmupCounts {
  readonly sent: number;
  readonly dropped: number;
  readonly completed: number;
}

/** Counters for the measured window (requests whose intended send time is after the warm-up). */
export interface LoadCounts {
  /** open: arrivals the schedule asked for (sent + dropped); closed: = sent */
  readonly scheduled: number;
  readonly sent: number;
  /** open only: due while `maxInflight` requests were in flight, so not sent */
  readonly dropped: number;
  /** resolved or rejected before the drain deadline */
  readonly completed: number;
  /** completed with a status < 400 */
  readonly ok: number;
  /** completed with a status >= 400, or rejected */
  readonly errors: number;
  /** still in flight at the drain deadline; aborted through the request's signal */
  readonly unfinished: number;
  /** every response status, as `{ "202": 9870, "503": 12 }` */
  readonly byStatus: Readonly<Record<string, number>>;
  /** the statuses >= 400 of `byStatus` */
  readonly errorsByStatus: Readonly<Record<string, number>>;
  /** responses that carried a `kind` */
  readonly byKind: Readonly<Record<string, number>>;
  /** rejected requests by the error's `code`, else its `name` (e.g. 'UND_ERR_SOCKET', 'AbortError') */
  readonly errorsByKind: Readonly<Record<string, number>>;
}

/** Live counters; cumulative over warm-up and measured window. */
export interface LoadTick {
  readonly phase: 'warmup' | 'measure' | 'drain';
  /** ms since the run started */
  readonly elapsedMs: number;
  readonly sent: number;
  readonly completed: number;
  readonly inflight: number;
  readonly dropped: number;
  readonly errors: number;
  /** completions per second over the last tick interval */
  readonly rateLastSecond: number;
}

/**
 * Counts one run. Requests are attributed to warm-up or the measured window by their
 * intended send time; `completedInWindow` instead counts completions by when they happened,
 * which is what a "requests per second" figure means.
 */
export class LoadTally {
  readonly accept = new LatencyHistogram();
  /** ms from intended to actual send: how far behind the generator ran */
  readonly sendLag = new LatencyHistogram();
  inflight = 0;
  completedInWindow = 0;

  #scheduled = 0;
  #sent = 0;
  #dropped = 0;
  #completed = 0;
  #ok = 0;
  #errors = 0;
  readonly #warm = { sent: 0, dropped: 0, completed: 0, errors: 0 };
  readonly #byStatus = new Map<number, number>();
  readonly #byKind = new Map<string, number>();
  readonly #errorsByKind = new Map<string, number>();
  #lastTickCompleted = 0;

  dropped(warmup: boolean): void {
    if (warmup) this.#warm.dropped++;
    else {
      this.#scheduled++;
      this.#dropped++;
    }
  }

  sent(warmup: boolean, lagMs: number): void {
    this.inflight++;
    if (warmup) {
      this.#warm.sent++;
      return;
    }
    this.#scheduled++;
    this.#sent++;
    this.sendLag.record(lagMs);
  }

  responded(warmup: boolean, latencyMs: number, res: LoadResponse): void {
    this.inflight--;
    const error = res.status >= 400;
    if (warmup) {
      this.#warm.completed++;
      if (error) this.#warm.errors++;
      return;
    }
    this.#completed++;
    bump(this.#byStatus, res.status);
    if (res.kind !== undefined) bump(this.#byKind, res.kind);
    if (error) this.#errors++;
    else {
      this.#ok++;
      this.accept.record(latencyMs);
    }
  }

  failed(warmup: boolean, err: unknown): void {
    this.inflight--;
    if (warmup) {
      this.#warm.completed++;
      this.#warm.errors++;
      return;
    }
    this.#completed++;
    this.#errors++;
    bump(this.#errorsByKind, errorKind(err));
  }

  tick(phase: LoadTick['phase'], elapsedMs: number, intervalMs: number): LoadTick {
    const completed = this.#completed + this.#warm.completed;
    const rateLastSecond = intervalMs > 0 ? ((completed - this.#lastTickCompleted) * 1000) / intervalMs : 0;
    this.#lastTickCompleted = completed;
    return {
      phase,
      elapsedMs,
      sent: this.#sent + this.#warm.sent,
      completed,
      inflight: this.inflight,
      dropped: this.#dropped + this.#warm.dropped,
      errors: this.#errors + this.#warm.errors,
      rateLastSecond,
    };
  }

  counts(): LoadCounts {
    const byStatus = Object.fromEntries([...this.#byStatus].sort((a, b) => a[0] - b[0]));
    const errorsByStatus = Object.fromEntries(Object.entries(byStatus).filter(([s]) => Number(s) >= 400));
    return {
      scheduled: this.#scheduled,
      sent: this.#sent,
      dropped: this.#dropped,
      completed: this.#completed,
      ok: this.#ok,
      errors: this.#errors,
      unfinished: this.#sent - this.#completed,
      byStatus,
      errorsByStatus,
      byKind: Object.fromEntries(this.#byKind),
      errorsByKind: Object.fromEntries(this.#errorsByKind),
    };
  }

  warmup(): WarmupCounts {
    const { sent, dropped, completed } = this.#warm;
    return { sent, dropped, completed };
  }
}

function bump<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

export function errorKind(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const { code, name } = err as { code?: unknown; name?: unknown };
    if (typeof code === 'string' || typeof code === 'number') return String(code);
    if (typeof name === 'string' && name !== '') return name;
  }
  return typeof err === 'string' ? 'Error' : 'unknown';
}
