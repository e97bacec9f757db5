import { describe, expect, it } from 'vitest';
import { renderGrowthTable } from '../../report/growth.ts';
import { aRun } from '../../report/test-builders.ts';
import { growthFigures, type GrowthRun } from './growth.ts';

const aGrowthRun = (fresh: { cpu: number; p99: number }, seeded: { cpu: number; p99: number }): GrowthRun => ({
  style: 'collaboration',
  orders: 1_000_000,
  seeding: { ms: 95_000, bytes: { auth: 1, billing: 2, order: 3, notification: 4 } },
  fresh: aRun({ style: 'collaboration', cost: { cpuMsPerOrder: fresh.cpu }, latency: { completion: { p99: fresh.p99 } } }),
  seeded: aRun({ style: 'collaboration', cost: { cpuMsPerOrder: seeded.cpu }, latency: { completion: { p99: seeded.p99 } } }),
});

describe('growthFigures', () => {
  it('calls a figure flat up to 10 % above the fresh system, and growing beyond', () => {
    const figures = growthFigures(aGrowthRun({ cpu: 4, p99: 20 }, { cpu: 4.4, p99: 22.1 }));

    expect(figures.find((f) => f.name === 'CPU per order')).toMatchObject({ fresh: 4, seeded: 4.4, flat: true });
    expect(figures.find((f) => f.name === 'completion p99')).toMatchObject({ fresh: 20, seeded: 22.1, flat: false });
    expect(figures.find((f) => f.name === 'completion p99')?.ratio).toBeCloseTo(1.105, 3);
  });

  it('prints each figure with its ratio and verdict', () => {
    const table = renderGrowthTable([aGrowthRun({ cpu: 4, p99: 20 }, { cpu: 3, p99: 30 })]);

    expect(table).toMatch(/collaboration\s+CPU per order\s+4\.00\s+3\.00\s+×0\.75\s+within 10 %/);
    expect(table).toMatch(/collaboration\s+completion p99\s+20\.0\s+30\.0\s+×1\.50\s+grows/);
  });
});
