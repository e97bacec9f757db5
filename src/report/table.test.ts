import { describe, expect, it } from 'vitest';
import { compareRuns } from './compare.ts';
import { renderCompareTable, renderRunTable } from './table.ts';
import { aCompare, aRun } from './test-builders.ts';

// Strips ANSI codes, so colour can be checked to change nothing else.
const plain = (s: string): string => s.replace(/\x1b\[\d+m/g, '');
const rowOf = (table: string, style: string): string => table.split('\n').find((l) => l.startsWith(` ${style} `)) ?? '';

describe('renderRunTable', () => {
  const run = aRun({
    style: 'notification',
    orders: { placed: 12_345, paid: 11_000, rejected: 1_300, pending: 40, failed: 5, shed: 7, dropped: 2 },
    throughput: { offered: 400, accepted: 398.25, completed: 391.5 },
    latency: { accept: { p50: 1.234, p99: 9.876 }, completion: { p50: 15.55, p99: 123.4, p999: 456.7, max: 1234.5 } },
    readLoad: { perOrder: 1 },
    messages: { perOrder: 3, bytesPerOrder: 1236.4 },
    cost: { cpuMsPerOrder: 3.051, rssPeakBytes: 200 * 2 ** 20 },
  });
  const table = renderRunTable(run);

  it('shows the order counts and throughput of the run on its style’s row', () => {
    const rows = table.split('\n').filter((l) => l.startsWith(' notification '));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/12,345\s+11,000\s+1,300\s+40\s+5\s+7\s+2 │\s+400\.0\s+398\.3\s+391\.5$/);
  });

  it('shows latency in ms with 3 significant digits, then the cost per order', () => {
    const row = table.split('\n').filter((l) => l.startsWith(' notification '))[1];
    expect(row).toMatch(/1\.23\s+9\.88 │\s+15\.6\s+123\s+457\s+1,235 │\s+1\.00\s+3\.00\s+1,236\s+3\.05 │\s+200$/);
  });

  it('states the load it ran under', () => {
    expect(table).toContain('interplay: notification');
    expect(table).toContain('open loop at 200/s (poisson)');
    expect(table).toContain('100 users · seed 42');
  });

  it('fits in 110 columns and uses no colour unless asked', () => {
    for (const line of table.split('\n')) expect(line.length).toBeLessThanOrEqual(110);
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
    for (const style of ['rest', 'notification', 'collaboration']) {
      expect(table.split('\n').filter((l) => l.startsWith(` ${style} `))).toHaveLength(3);
    }
    expect(table).toContain(' vs rest ');
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

  it('fits in 110 columns', () => {
    for (const line of table.split('\n')) expect(line.length).toBeLessThanOrEqual(110);
  });
});
