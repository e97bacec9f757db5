import { describe, expect, it } from 'vitest';
import { parseThresholds } from './thresholds.ts';

describe('parseThresholds', () => {
  it('reads relative thresholds, the sign saying which way is worse', () => {
    expect(parseThresholds('completion.p99:+25%, throughput.completed:-15%')).toEqual({
      ok: true,
      value: [
        { type: 'relative', text: 'completion.p99:+25%', metric: 'completion.p99', worse: 'up', percent: 25 },
        { type: 'relative', text: 'throughput.completed:-15%', metric: 'throughput.completed', worse: 'down', percent: 15 },
      ],
    });
  });

  it('reads absolute thresholds with every comparison and unit, seconds as milliseconds', () => {
    const parsed = parseThresholds('completion.p99<100ms,accept.max<=1.5s,throughput.completed>=45/s,messages.perOrder>2,failed=0,pending<0.5%');
    expect(parsed.ok && parsed.value.map((t) => (t.type === 'absolute' ? [t.metric, t.comparison, t.limit, t.unit] : t))).toEqual([
      ['completion.p99', '<', 100, 'ms'],
      ['accept.max', '<=', 1500, 's'],
      ['throughput.completed', '>=', 45, '/s'],
      ['messages.perOrder', '>', 2, ''],
      ['failed', '=', 0, ''],
      ['pending', '<', 0.5, '%'],
    ]);
  });

  it.each([
    ['completion.p99:+x%', '"completion.p99:+x%" has "+x%" where a signed percentage such as +25% or -15% belongs'],
    ['completion.p99:25%', '"completion.p99:25%" has no sign: write +25% when growing is worse, -25% when dropping is'],
    ['completion.p99:+25', '"completion.p99:+25" has "+25" where a signed percentage such as +25% or -15% belongs'],
    ['throughput.completed:-100%', '"throughput.completed:-100%" can never be crossed: nothing drops by 100 % or more without going below zero'],
    ['completion.p95<100ms', '"completion.p95<100ms" names no metric "completion.p95"; known metrics: accept.p50'],
    ['latency.completion.p99<100ms', '"latency.completion.p99<100ms" names no metric "latency.completion.p99"'],
    ['<100ms', '"<100ms" does not start with a metric name'],
    ['completion.p99 100ms', '"completion.p99 100ms" needs ":" and a signed percentage'],
    ['completion.p99==100ms', '"completion.p99==100ms" has "=100ms" where a number with an optional unit (ms, s, /s, %) belongs'],
    ['completion.p99<fast', '"completion.p99<fast" has "fast" where a number with an optional unit'],
    ['completion.p99<-1ms', '"completion.p99<-1ms" has "-1ms" where a number'],
    ['completion.p99<10%', '"completion.p99<10%" gives completion.p99 in "%"; a latency takes ms, s or a bare number of ms'],
    ['failed<10ms', '"failed<10ms" gives failed in "ms"; a count takes a bare number or % of the orders scheduled'],
    ['throughput.completed>40ms', '"throughput.completed>40ms" gives throughput.completed in "ms"; a rate takes /s or a bare number'],
    ['cost.cpuMsPerOrder<5ms', '"cost.cpuMsPerOrder<5ms" gives cost.cpuMsPerOrder in "ms"; a per-order figure takes a bare number'],
    ['completion.p99:+25%,', '"completion.p99:+25%," has an empty threshold; separate thresholds with single commas'],
    ['', '"" has an empty threshold'],
  ])('names the bad part of %j', (text, message) => {
    const parsed = parseThresholds(text);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toContain(message);
  });

  it('names the first bad part when good ones come before it', () => {
    expect(parseThresholds('failed=0,completion.p99:+x%')).toEqual({ ok: false, error: expect.stringMatching(/^"completion\.p99:\+x%" /) });
  });
});
