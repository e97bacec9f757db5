import { LatencyHistogram } from '../engine/histogram.ts';
import { natsWindow, processWindows } from '../engine/runtime-stats.ts';
import type { SoakSample, SoakWindow } from './soak.ts';

/** How one POST /orders ended, as the soak counts it. */
export type SoakAnswer =
  | {
      readonly type: 'accepted';
      readonly id: string;
      /** on `clock.now()` (ms) */
      readonly intendedAt: number;
      /** when the delivery came before the 201 was read (the sink is in this process too) */
      readonly deliveredAt?: number;
    }
  | { readonly type: 'failed' }
  | { readonly type: 'shed' };

interface Window {
  readonly index: number;
  readonly startAt: number;
  offered: number;
  accepted: number;
  completed: number;
  failed: number;
  shed: number;
  /** sent in this window and not answered yet */
  unanswered: number;
  /** accepted orders sent in this window not delivered yet */
  readonly awaiting: Set<string>;
  readonly completion: LatencyHistogram;
  cutAt?: number;
  /** orders accepted up to the cut */
  stored: number;
  sample?: SoakSample;
  /** its row was given out: orders of it answered later are late, not awaited */
  taken: boolean;
}

/**
 * Counts a soak by window, on the run's clock. `send` tells a request which window it belongs
 * to; counts go to the window open when the event happened; a window's row is ready once it is
 * cut and sampled and every order sent in it is answered and delivered, or `graceMs` after its
 * cut, whichever comes first, so a backlog shows as `late` rather than holding the table up. Pure.
 */
export class SoakLedger {
  readonly #origin: number;
  readonly #windows: Window[] = [];
  /** accepted orders still awaited, by id */
  readonly #awaited = new Map<string, { readonly window: Window; readonly intendedAt: number }>();
  #previous: SoakSample;
  #offeredSoFar = 0;
  #acceptedSoFar = 0;

  /** `origin`: the clock time the load starts; `baseline`: the system just before it */
  constructor(origin: number, baseline: SoakSample) {
    this.#origin = origin;
    this.#previous = baseline;
    this.#open(origin);
  }

  /** windows cut so far */
  get cuts(): number {
    return this.#windows.filter((w) => w.cutAt !== undefined).length;
  }

  /** A request is being sent: @returns the window it belongs to, for `answer` */
  send(): number {
    const w = this.#current();
    w.unanswered++;
    return w.index;
  }

  answer(sentIn: number, answer: SoakAnswer): void {
    const sent = this.#windows[sentIn];
    if (sent) sent.unanswered--;
    const now = this.#current();
    switch (answer.type) {
      case 'accepted':
        now.accepted++;
        this.#acceptedSoFar++;
        if (!sent) return;
        if (answer.deliveredAt !== undefined) sent.completion.record(answer.deliveredAt - answer.intendedAt);
        else if (!sent.taken) {
          sent.awaiting.add(answer.id);
          this.#awaited.set(answer.id, { window: sent, intendedAt: answer.intendedAt });
        }
        return;
      case 'failed':
        now.failed++;
        return;
      case 'shed':
        now.shed++;
        return;
      default: {
        const never: never = answer;
        throw new TypeError(`unknown answer ${String(never)}`);
      }
    }
  }

  /** The first delivery of an order. */
  deliver(orderId: string, receivedAt: number): void {
    this.#current().completed++;
    const awaited = this.#awaited.get(orderId);
    if (!awaited) return;
    this.#awaited.delete(orderId);
    awaited.window.awaiting.delete(orderId);
    awaited.window.completion.record(receivedAt - awaited.intendedAt);
  }

  /** Ends the open window at `at` and opens the next. `offeredSoFar`: arrivals the load has had in all. @returns the cut window's index */
  cut(at: number, offeredSoFar: number): number {
    const w = this.#current();
    w.cutAt = at;
    w.offered = offeredSoFar - this.#offeredSoFar;
    w.stored = this.#acceptedSoFar;
    this.#offeredSoFar = offeredSoFar;
    this.#open(at);
    return w.index;
  }

  /** The system as it was at the window's cut. */
  sampled(index: number, sample: SoakSample): void {
    const w = this.#windows[index];
    if (w) w.sample = sample;
  }

  /** The rows ready at `now`, in order; each is given once. */
  take(now: number, graceMs: number): SoakWindow[] {
    const out: SoakWindow[] = [];
    for (const w of this.#windows) {
      if (w.cutAt === undefined || !w.sample) break;
      if (w.taken) continue;
      const settled = w.unanswered === 0 && w.awaiting.size === 0;
      if (!settled && now < w.cutAt + graceMs) break;
      w.taken = true;
      out.push(this.#row(w, w.sample));
      // Late orders still complete, counted in the window they arrive in, but no longer in a latency.
      for (const id of w.awaiting) this.#awaited.delete(id);
    }
    return out;
  }

  #row(w: Window, sample: SoakSample): SoakWindow {
    const before = this.#previous;
    this.#previous = sample;
    const seconds = (at: number) => (at - this.#origin) / 1000;
    return {
      index: w.index,
      startS: seconds(w.startAt),
      endS: seconds(w.cutAt ?? w.startAt),
      offered: w.offered,
      accepted: w.accepted,
      completed: w.completed,
      failed: w.failed,
      shed: w.shed,
      late: w.unanswered + w.awaiting.size,
      completion: { count: w.completion.count, p50: w.completion.valueAt(50), p99: w.completion.valueAt(99) },
      cpuMsPerOrder: w.completed > 0 ? (sample.cpuMs - before.cpuMs) / w.completed : null,
      systemRssBytes: sample.systemRssBytes,
      natsRssBytes: sample.natsRssBytes,
      backlog: sample.broker?.backlog ?? null,
      streamMessages: sample.broker?.messages ?? null,
      streamBytes: sample.broker?.bytes ?? null,
      dbBytes: sample.dbBytes,
      ordersStored: w.stored,
      dbBytesPerOrder: w.accepted > 0 ? (sample.dbBytes - before.dbBytes) / w.accepted : null,
      processes: processWindows(before.processes, sample.processes),
      walBytes: sample.walBytes,
      nats: sample.nats ? natsWindow(before.nats, sample.nats) : null,
    };
  }

  #current(): Window {
    return this.#windows.at(-1)!;
  }

  #open(at: number): void {
    this.#windows.push({
      index: this.#windows.length,
      startAt: at,
      offered: 0,
      accepted: 0,
      completed: 0,
      failed: 0,
      shed: 0,
      unanswered: 0,
      awaiting: new Set(),
      completion: new LatencyHistogram(),
      stored: 0,
      taken: false,
    });
  }
}
