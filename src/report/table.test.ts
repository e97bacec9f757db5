import { describe, expect, it } from 'vitest';
import { compareRuns } from './compare.ts';
import { renderCompareTable, renderRunTable, renderTable } from './table.ts';
import { aCompare, aRun } from './test-builders.ts';
import type { ProcessCost } from '../model/schema.ts';

// Strips ANSI codes, so colour can be checked to change nothing else.
const plain = (s: string): string => s.replace(/\x1b\[\d+m/g, '');
const longest = (text: string): number => Math.max(...text.split('\n').map((l) => l.length));
const rowOf = (table: string, style: string): string => table.split('\n').find((l) => l.startsWith(` ${style} `)) ?? '';

describe('renderRunTable', () => {
  const run = aRun({
    style: 'notification',
    orders: { placed: 12_345, paid: 11_000, rejected: 1_300, pending: 40, failed: 5, shed: 7, limited: 4, dropped: 2 },
    throughput: { offered: 400, accepted: 398.25, completed: 391.5 },
    latency: { accept: { p50: 1.234, p99: 9.876 }, completion: { p50: 15.55, p99: 123.4, p999: 456.7, max: 1234.5 } },
    readLoad: { perOrder: 1 },
    messages: { perOrder: 3, bytesPerOrder: 1236.4 },
    cost: { cpuMsPerOrder: 3.051, rssPeakBytes: 200 * 2 ** 20 },
  });
  const table = renderRunTable(run);
  const wide = renderRunTable(run, { width: 200 });

  it('shows the order counts and throughput of the run on its style’s row, side by side when the terminal is wide', () => {
    const rows = wide.split('\n').filter((l) => l.startsWith(' notification '));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/12,345\s+11,000\s+1,300\s+40 │\s+5\s+7\s+4\s+2 │\s+400\.0\s+398\.3\s+391\.5$/);
  });

  it('shows latency in ms with 3 significant digits, then the cost per order', () => {
    const row = wide.split('\n').filter((l) => l.startsWith(' notification '))[1];
    expect(row).toMatch(/1\.23\s+9\.88 │\s+15\.6\s+123\s+457\s+1,235 │\s+1\.00\s+3\.00\s+1,236\s+3\.05 │\s+200$/);
  });

  it('stacks the column groups as blocks in 80 columns, with every value still on the style’s rows', () => {
    const rows = table.split('\n').filter((l) => l.startsWith(' notification '));
    expect(rows.length).toBeGreaterThan(2);
    expect(rows.join('\n')).toMatch(/12,345\s+11,000\s+1,300\s+40\b/m);
    expect(rows.join('\n')).toMatch(/\b5\s+7\s+4\s+2\b/m);
    expect(rows.join('\n')).toMatch(/400\.0\s+398\.3\s+391\.5$/m);
    expect(rows.join('\n')).toMatch(/1\.00\s+3\.00\s+1,236\s+3\.05 │\s+200$/m);
  });

  it('states the load it ran under', () => {
    expect(table).toContain('interplay: notification');
    expect(table).toContain('open loop at 200/s (poisson)');
    expect(table).toContain('100 users · seed 42');
  });

  it('fits in 80 columns and uses no colour unless asked', () => {
    expect(longest(table)).toBeLessThanOrEqual(80);
    expect(table).not.toContain('\x1b[');
  });

  it('adds ANSI bold and dim with color, changing nothing else', () => {
    const colored = renderRunTable(run, { color: true });
    expect(colored).toContain('\x1b[1m');
    expect(plain(colored)).toBe(table);
  });

  it('lists errors by style', () => {
    const failing = renderRunTable(aRun({ errors: { 'http 503': 3, timeout: 7 } }));
    expect(failing).toContain('rest: timeout ×7, http 503 ×3');
  });
});

describe('renderCompareTable', () => {
  const table = renderCompareTable(aCompare());

  it('has a row per style in both blocks and in the vs rest block', () => {
    const wide = renderCompareTable(aCompare(), { width: 200 });
    for (const style of ['rest', 'notification', 'collaboration']) {
      expect(wide.split('\n').filter((l) => l.startsWith(` ${style} `))).toHaveLength(3);
    }
    expect(wide).toContain(' vs rest ');
  });

  it('prints the ratios as ×n.nn and a dash where rest’s value is 0', () => {
    const lines = table.split('\n');
    const ratioRow = lines.slice(lines.findIndex((l) => l.startsWith(' vs rest '))).find((l) => l.startsWith(' notification '));
    // completion p50 9.87 / 14.2, reads 1 / 3, messages against REST's 0, CPU 3.05 / 2.41
    expect(ratioRow).toMatch(/×0\.70\s+×0\.70 │\s+×1\.00 │ ×0\.33\s+–\s+×1\.27$/);
  });

  it('says so when there is no rest run to compare against', () => {
    const noRest = renderCompareTable(compareRuns([aRun({ style: 'notification' }), aRun({ style: 'collaboration' })], 'now'));
    expect(noRest).toContain('no rest run, so no ratios');
    expect(rowOf(noRest, 'notification')).not.toBe('');
  });

  it('fits in 80 columns', () => {
    expect(longest(table)).toBeLessThanOrEqual(80);
  });

  it('shows no "vs rest" block for one style: there is nothing to compare it with', () => {
    const one = renderCompareTable(aCompare([aRun({ style: 'rest' })]));
    expect(one).not.toContain('vs rest');
    expect(one).not.toContain('×');
    expect(one).toBe(renderRunTable(aRun({ style: 'rest' })));
  });
});

describe('renderTable at the terminal’s width', () => {
  const mib = 2 ** 20;
  const cost = (cpuMsPerOrder: number, rssMiB: number): ProcessCost => ({ cpuMs: cpuMsPerOrder * 6000, cpuMsPerOrder, rssPeakBytes: rssMiB * mib });
  const perProcess = (style: 'rest' | 'notification' | 'collaboration') => ({
    auth: cost(0.21, 80),
    billing: cost(0.52, 81),
    order: cost(1.31, 90),
    notification: cost(0.43, 85),
    gateway: cost(0.74, 70),
    ...(style === 'rest' ? {} : { 'nats-server': cost(0.36, 21) }),
  });
  const busy = aCompare(
    (['rest', 'notification', 'collaboration'] as const).map((style) =>
      aRun({
        style,
        orders: { placed: 1_234_567, paid: 1_000_000, rejected: 234_000, pending: 12_345, failed: 1_234, dropped: 99_999 },
        latency: { completion: { p50: 8_249, p99: 11_100, p999: 11_117, max: 123_456 } },
        cost: { byService: perProcess(style) },
        errors: { 'http 503': 12_345, UND_ERR_HEADERS_TIMEOUT: 678, unfinished: 12_345, ECONNRESET: 3, 'http 500': 1 },
        config: { argv: ['compare'], rate: 12_345.5 },
      }),
    ),
  );

  it.each([80, 100, 120])('no line is longer than %i columns, however big the numbers', (width) => {
    expect(longest(renderTable(busy, { width }))).toBeLessThanOrEqual(width);
    expect(longest(renderTable(busy.runs[1]!, { width }))).toBeLessThanOrEqual(width);
  });

  it('keeps the width with colour on: ANSI codes take no columns', () => {
    expect(longest(plain(renderTable(busy, { width: 80, color: true })))).toBeLessThanOrEqual(80);
  });

  it('adds a "CPU by process" block with CPU ms per order and peak RSS of each process, per style', () => {
    const table = renderTable(busy, { width: 200 });
    expect(table).toMatch(/^ CPU by process +│ system +│ auth +│ billing +│ order +│ notification +│ gateway +│ nats-server$/m);
    const row = table.split('\n').filter((l) => l.startsWith(' rest ')).at(-2);
    expect(row).toMatch(/│ +0\.210 +80\.0 │ +0\.520 +81\.0 │ +1\.31 +90\.0 │ +0\.430 +85\.0 │ +0\.740 +70\.0 │ +– +–$/);
  });

  it('has no per-process block while every run measured a single process', () => {
    expect(renderTable(aCompare())).not.toContain('CPU by process');
  });
});
