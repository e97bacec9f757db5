import { LatencyHistogram } from '../engine/histogram.ts';

/** One order the legitimate users sent, on the run's clock (ms). */
export interface FloodOrder {
  readonly intendedAt: number;
  /** the answer's status, or the error's code when there was none */
  readonly outcome: number | string;
  /** when its notification reached the sink; undefined when none did */
  readonly deliveredAt?: number;
}

/** The orders sent in one phase: before the flood, or during it. */
export interface PhaseFigures {
  readonly sent: number;
  /** accepted (201) and notified */
  readonly completed: number;
  /** ms from the intended send to the notification, of the completed orders */
  readonly completion: { readonly p50: number; readonly p99: number; readonly max: number };
  /** answers other than 201, by status or error code */
  readonly refused: Readonly<Record<string, number>>;
}

export interface FloodFigures {
  readonly withoutFlood: PhaseFigures;
  readonly withFlood: PhaseFigures;
  /** p99 completion with the flood ÷ without it; the target is at most 1.5 */
  readonly p99Ratio: number;
  readonly attacker: {
    /** logins the flood's schedule asked for */
    readonly sent: number;
    /** answers by status (401, 429, 503, …), and errors by code */
    readonly answers: Readonly<Record<string, number>>;
    /** not answered by the end of the drain, or never sent because too many were open */
    readonly unanswered: number;
  };
  /** argon2 runs auth counted while the flood ran, and the most the limits allow */
  readonly argon2: { readonly runs: number; readonly bound: number };
}

const inc = (counts: Record<string, number>, key: string | number) => void (counts[String(key)] = (counts[String(key)] ?? 0) + 1);

/** Pure: the orders split at the flood's start, each phase's completion percentiles, the attacker's answers. */
export function floodFigures(input: {
  readonly orders: readonly FloodOrder[];
  readonly floodStart: number;
  readonly attackerAnswers: readonly (number | string)[];
  readonly attackerUnanswered: number;
  readonly argon2Runs: number;
  readonly bound: number;
}): FloodFigures {
  const phase = (orders: readonly FloodOrder[]): PhaseFigures => {
    const latency = new LatencyHistogram();
    const refused: Record<string, number> = {};
    for (const o of orders) {
      if (o.outcome !== 201) inc(refused, o.outcome);
      else if (o.deliveredAt !== undefined) latency.record(o.deliveredAt - o.intendedAt);
    }
    const s = latency.summary();
    return { sent: orders.length, completed: s.count, completion: { p50: s.p50, p99: s.p99, max: s.max }, refused };
  };
  const withoutFlood = phase(input.orders.filter((o) => o.intendedAt < input.floodStart));
  const withFlood = phase(input.orders.filter((o) => o.intendedAt >= input.floodStart));
  const answers: Record<string, number> = {};
  for (const a of input.attackerAnswers) inc(answers, a);
  return {
    withoutFlood,
    withFlood,
    p99Ratio: withoutFlood.completion.p99 > 0 ? withFlood.completion.p99 / withoutFlood.completion.p99 : Number.NaN,
    attacker: { sent: input.attackerAnswers.length + input.attackerUnanswered, answers, unanswered: input.attackerUnanswered },
    argon2: { runs: input.argon2Runs, bound: input.bound },
  };
}
