import { describe, expect, it } from 'vitest';
import { createRandom } from '../model/random.ts';
import { exponential, serviceSampler, Simulator, Station } from './des.ts';

/** Erlang C: the mean wait in queue of an M/M/c queue with arrival rate λ, service rate μ per server. */
function erlangCWait(lambda: number, mu: number, c: number): number {
  const a = lambda / mu;
  const rho = a / c;
  let term = 1;
  let sum = 0;
  for (let k = 0; k < c; k++) {
    sum += term;
    term = (term * a) / (k + 1);
  }
  const last = term / (1 - rho);
  const pWait = last / (sum + last);
  return pWait / (c * mu - lambda);
}

/** Poisson arrivals to one station with exponential service; the mean wait in queue of the customers after a warm-up. */
function meanWait(lambda: number, mu: number, servers: number, customers: number, seed: number): number {
  const sim = new Simulator();
  const random = createRandom(seed);
  const station = new Station('s', sim, servers);
  const warmup = customers / 10;
  let arrived = 0;
  let waited = 0;
  let counted = 0;
  const arrive = () => {
    const at = sim.now;
    const index = arrived++;
    const serviceMs = exponential(random, 1 / mu);
    // Wait = time to start service = time served - service time.
    station.submit(serviceMs, () => {
      if (index >= warmup) {
        waited += sim.now - at - serviceMs;
        counted++;
      }
    });
    if (arrived < customers) sim.after(exponential(random, 1 / lambda), arrive);
  };
  sim.at(0, arrive);
  sim.run();
  return waited / counted;
}

describe('the discrete-event simulator', () => {
  it('runs events in time order, and those at one instant in the order scheduled', () => {
    const sim = new Simulator();
    const seen: string[] = [];
    sim.at(5, () => seen.push('5a'));
    sim.at(1, () => {
      seen.push('1');
      sim.after(4, () => seen.push('5b'));
    });
    sim.at(3, () => seen.push('3'));
    sim.run();
    expect(seen).toEqual(['1', '3', '5a', '5b']);
    expect(sim.now).toBe(5);
  });

  it('matches the M/M/1 mean wait in queue within 5 %', () => {
    // λ = 0.7, μ = 1 per ms: Wq = ρ / (μ − λ) = 2.333 ms
    const expected = 0.7 / (1 - 0.7);
    expect(erlangCWait(0.7, 1, 1)).toBeCloseTo(expected, 10);
    const measured = meanWait(0.7, 1, 1, 1_000_000, 11);
    expect(Math.abs(measured / expected - 1)).toBeLessThan(0.05);
  });

  it('matches the M/M/c (Erlang C) mean wait in queue within 5 %', () => {
    // 4 servers at 80 % busy
    const expected = erlangCWait(3.2, 1, 4);
    const measured = meanWait(3.2, 1, 4, 1_000_000, 12);
    expect(Math.abs(measured / expected - 1)).toBeLessThan(0.05);
  });

  it('holds a down station’s queue and serves it when it comes back', () => {
    const sim = new Simulator();
    const station = new Station('s', sim, 1);
    const done: number[] = [];
    station.setUp(false);
    sim.at(0, () => station.submit(2, () => done.push(sim.now)));
    sim.at(1, () => station.submit(2, () => done.push(sim.now)));
    sim.at(10, () => station.setUp(true));
    sim.run();
    expect(done).toEqual([12, 14]);
  });

  it('draws service times with the asked mean and variation', () => {
    const draw = serviceSampler(createRandom(3), 0.5);
    const values = Array.from({ length: 200_000 }, () => draw(4));
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    expect(mean).toBeCloseTo(4, 1);
    expect(sd / mean).toBeCloseTo(0.5, 1);
  });
});
