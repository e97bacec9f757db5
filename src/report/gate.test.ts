import { describe, expect, it } from 'vitest';
import { compareRepeats } from './compare.ts';
import { evaluateGate, gateFailures, median, renderGate } from './gate.ts';
import type { RunReport } from '../model/schema.ts';
import { aCompare, aRun } from './test-builders.ts';
import { parseThresholds } from './thresholds.ts';
import type { Threshold } from './thresholds.ts';

const thresholds = (text: string): Threshold[] => {
  const parsed = parseThresholds(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
};

/** a rest run with the given completion p99 (ms) and completed throughput (/s) */
const restRun = (p99: number, completed = 50): RunReport =>
  aRun({ style: 'rest', latency: { completion: { p99 } }, throughput: { completed } });

/** a comparison of rest run once per p99 given, as `compare --repeat N` saves it */
const repeated = (...p99s: number[]) => compareRepeats(p99s.map((p) => restRun(p)), '2026-11-25T13:07:12.000Z');

describe('evaluateGate', () => {
  const GATE = thresholds('completion.p99:+25%,throughput.completed:-15%');

  it('fails a run whose p99 grew beyond +25% of a baseline and beyond its worst repeat, naming both values', () => {
    const result = evaluateGate(repeated(55, 57, 56), repeated(40, 41, 42), GATE);
    expect(result.ok).toBe(false);
    const failed = result.checks.filter((c) => c.verdict === 'fail');
    expect(failed).toEqual([expect.objectContaining({ style: 'rest', baseline: 41, worstBaseline: 42, now: 56, limit: 51.25 })]);
    expect(failed[0]?.threshold.metric).toBe('completion.p99');
  });

  it('passes a fair run: the same values as the baseline', () => {
    const result = evaluateGate(repeated(41, 40, 42), repeated(40, 41, 42), GATE);
    expect(result.ok).toBe(true);
    expect(result.checks.map((c) => c.verdict)).toEqual(['pass', 'pass']);
  });

  it('passes noise inside the baseline spread, even beyond the threshold', () => {
    // Baseline median 40, limit 50, but one baseline repeat reached 70: now's 55 is noise the baseline already had.
    const result = evaluateGate(repeated(55, 54, 56), repeated(38, 40, 70), GATE);
    expect(result.ok).toBe(true);
    expect(result.checks[0]).toMatchObject({ verdict: 'within spread', now: 55, baseline: 40, worstBaseline: 70 });
  });

  it('treats a drop in throughput as worse with a negative threshold, and a rise as fine', () => {
    const base = aCompare([restRun(40, 100)]);
    expect(evaluateGate(aCompare([restRun(40, 80)]), base, GATE).checks[1]).toMatchObject({ verdict: 'fail', limit: 85 });
    expect(evaluateGate(aCompare([restRun(40, 200)]), base, GATE).ok).toBe(true);
  });

  it('fails a doctored baseline whose p99 was divided by 10', () => {
    const fair = repeated(40, 41, 42);
    const doctored = { ...fair, runs: fair.runs.map((r) => ({ ...r, latency: { ...r.latency, completion: { ...r.latency.completion, p99: r.latency.completion.p99 / 10 } } })), repeats: {} };
    expect(evaluateGate(repeated(40, 41, 42), doctored, GATE).ok).toBe(false);
  });

  it('compares medians of an even count of repeats as the mean of the middle two', () => {
    expect(median([1, 9, 3, 5])).toBe(4);
    expect(evaluateGate(repeated(40, 60), repeated(40, 41), GATE).checks[0]).toMatchObject({ now: 50, baseline: 40.5 });
  });

  it('judges absolute thresholds without a baseline, a % of a count against the orders scheduled', () => {
    const now = aCompare([aRun({ style: 'rest', orders: { placed: 990, failed: 10, dropped: 0 }, latency: { completion: { p99: 80 } } })]);
    const result = evaluateGate(now, undefined, thresholds('completion.p99<100ms,failed=0,failed<=1%,failed<0.5%'));
    expect(result.checks.map((c) => [c.threshold.text, c.now, c.verdict])).toEqual([
      ['completion.p99<100ms', 80, 'pass'],
      ['failed=0', 10, 'fail'],
      ['failed<=1%', 1, 'pass'],
      ['failed<0.5%', 1, 'fail'],
    ]);
  });

  it('fails a relative threshold with no baseline run of the style, never passing it silently', () => {
    const result = evaluateGate(aCompare(), aCompare([aRun({ style: 'rest' })]), thresholds('completion.p99:+25%'));
    expect(result.ok).toBe(false);
    expect(result.checks.filter((c) => c.verdict === 'fail').map((c) => [c.style, c.note])).toEqual([
      ['notification', 'no baseline run of notification'],
      ['collaboration', 'no baseline run of collaboration'],
    ]);
  });

  it('fails when there is no run to check', () => {
    expect(evaluateGate(aCompare([]), undefined, thresholds('failed=0')).ok).toBe(false);
  });
});

describe('compareRepeats', () => {
  it('shows the run with the median completion p99 and keeps every repeat per metric, in run order', () => {
    const runs = [restRun(30), aRun({ style: 'notification' }), restRun(10), aRun({ style: 'notification' }), restRun(20)];
    const compare = compareRepeats(runs, 'now');
    expect(compare.runs.map((r) => [r.style, r.latency.completion.p99])).toEqual([
      ['rest', 20],
      ['notification', runs[1]!.latency.completion.p99],
    ]);
    expect(compare.repeats?.rest).toMatchObject({ runs: 3, samples: { 'completion.p99': [30, 10, 20], failed: [0, 0, 0] } });
    expect(compare.repeats?.notification?.runs).toBe(2);
  });

  it('saves no repeats when each style ran once', () => {
    expect(compareRepeats([restRun(30)], 'now')).not.toHaveProperty('repeats');
  });
});

describe('renderGate', () => {
  const failing = evaluateGate(repeated(55, 57, 56), repeated(40, 41, 42), thresholds('completion.p99:+25%,failed=0'));

  it('writes a Markdown table of every check: style, metric, baseline, now, threshold, verdict', () => {
    expect(renderGate(failing, 'markdown')).toBe(
      [
        '## interplay performance gate: failed (1 failed, 0 within the baseline\'s spread, 1 passed)',
        '',
        '| style | metric | baseline | now | threshold | verdict |',
        '|---|---|--:|--:|---|---|',
        '| rest | completion.p99 | 41.0 ms, worst 42.0 ms | 56.0 ms | +25% (limit 51.3 ms) | FAIL |',
        '| rest | failed | – | 0 | =0 | pass |',
        '',
      ].join('\n'),
    );
  });

  it('escapes comparisons that would read as HTML in Markdown', () => {
    const result = evaluateGate(repeated(50), undefined, thresholds('completion.p99<100ms'));
    expect(renderGate(result, 'markdown')).toContain('| \\<100ms | pass |');
  });

  it('lines up the same cells in the terminal', () => {
    const lines = renderGate(failing).split('\n');
    expect(lines[0]).toBe(' performance gate: failed (1 failed, 0 within the baseline\'s spread, 1 passed)');
    expect(lines[2]).toMatch(/^ style +metric +baseline +now +threshold +verdict$/);
    expect(lines[3]).toMatch(/^ rest +completion\.p99 +41\.0 ms, worst 42\.0 ms +56\.0 ms +\+25% \(limit 51\.3 ms\) +FAIL$/);
  });
});

describe('gateFailures', () => {
  it('puts each failed check on one line with the baseline, now, the threshold and its limit', () => {
    const result = evaluateGate(repeated(55, 57, 56), repeated(40, 41, 42), thresholds('completion.p99:+25%,failed=0,completion.p99<50ms'));
    expect(gateFailures(result)).toBe(
      'rest completion.p99: 41.0 ms → 56.0 ms (threshold +25%, limit 51.3 ms; worst baseline repeat 42.0 ms); rest completion.p99: 56.0 ms (threshold <50ms)',
    );
  });
});
