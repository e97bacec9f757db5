import { describe, expect, it } from 'vitest';
import { floodFigures, type FloodOrder } from './flood-figures.ts';

describe('floodFigures', () => {
  const order = (intendedAt: number, latency: number | undefined, outcome: number | string = 201): FloodOrder => ({
    intendedAt,
    outcome,
    ...(latency === undefined ? {} : { deliveredAt: intendedAt + latency }),
  });

  it('floodFigures - splits the orders at the flood start and compares their p99 completion', () => {
    const orders = [
      ...Array.from({ length: 100 }, (_, i) => order(i, 10)),
      ...Array.from({ length: 100 }, (_, i) => order(1_000 + i, i === 99 ? 200 : 15)),
      order(1_500, undefined, 429),
      order(1_600, undefined, 'UND_ERR_HEADERS_TIMEOUT'),
    ];

    const figures = floodFigures({ orders, floodStart: 1_000, attackerAnswers: [401, 429, 429, 503], attackerUnanswered: 2, argon2Runs: 5, bound: 55 });

    expect(figures.withoutFlood).toMatchObject({ sent: 100, completed: 100, refused: {} });
    expect(figures.withoutFlood.completion.p99).toBeCloseTo(10, 1);
    expect(figures.withFlood).toMatchObject({ sent: 102, completed: 100, refused: { 429: 1, UND_ERR_HEADERS_TIMEOUT: 1 }, completion: { max: 200 } });
    // HdrHistogram's percentiles are within 0.1 %.
    expect(figures.withFlood.completion.p99).toBeCloseTo(15, 1);
    expect(figures.p99Ratio).toBeCloseTo(1.5, 2);
    expect(figures.attacker).toEqual({ sent: 6, answers: { 401: 1, 429: 2, 503: 1 }, unanswered: 2 });
    expect(figures.argon2).toEqual({ runs: 5, bound: 55 });
  });
});
