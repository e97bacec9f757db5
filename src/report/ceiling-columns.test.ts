import { describe, expect, it } from 'vitest';
import { compareRuns } from './compare.ts';
import { renderHtml } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import { parseReport } from './parse.ts';
import { renderCompareTable, renderRunTable } from './table.ts';
import { aRun } from './test-builders.ts';
import type { RunCeiling, RunReport } from '../model/schema.ts';

const aCeiling = (over: Partial<RunCeiling> = {}): RunCeiling => ({
  heldRate: 170,
  ordersPerSecond: 3400,
  efficiency: 0.05,
  modelCpuMsPerOrder: 0.588,
  helloPerOrder: 296,
  helloShare: 0.0026,
  hops: { http: 5, messages: 0, commits: 5 },
  hopsFrom: 'run',
  cores: 2,
  calibratedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

const withCeiling = (run: RunReport, ceiling: RunCeiling): RunReport => ({ ...run, ceiling });

describe('the ceiling block', () => {
  const rest = withCeiling(aRun({ style: 'rest' }), aCeiling());
  const collaboration = withCeiling(aRun({ style: 'collaboration' }), aCeiling({ heldRate: 142, ordersPerSecond: 2840, efficiency: 0.0125, modelCpuMsPerOrder: 0.704 }));

  it('shows the rate held, the ceiling and the efficiency on each style’s row', () => {
    const table = renderCompareTable(compareRuns([rest, collaboration], 'now'), { width: 200 });
    expect(table).toContain(' ceiling ');
    expect(table).toMatch(/^ rest\s+│\s+170\.0\s+3,400\s+5%\s+│\s+0\.588\s+296$/m);
    expect(table).toMatch(/^ collaboration\s+│\s+142\.0\s+2,840\s+1\.3%\s+│\s+0\.704\s+296$/m);
  });

  it('is left out when no run has a calibration', () => {
    expect(renderRunTable(aRun({ style: 'rest' }), { width: 200 })).not.toContain('efficiency');
    expect(renderMarkdown(aRun({ style: 'rest' }))).not.toContain('ceiling');
  });

  it('shows a dash for a run without a calibration beside one with it', () => {
    const table = renderCompareTable(compareRuns([rest, aRun({ style: 'notification' })], 'now'), { width: 200 });
    expect(table).toMatch(/^ notification\s+│\s+–\s+–\s+–\s+│\s+–\s+–$/m);
  });

  it('has the same columns in the markdown summary', () => {
    const md = renderMarkdown(rest);
    expect(md).toContain('### Against this machine’s ceiling');
    expect(md).toContain('| style | held /s | ceiling /s | efficiency | model CPU ms /order | CPU in hello requests |');
    expect(md).toContain('| rest | 170.0 | 3,400 | 5% | 0.588 | 296 |');
  });

  it('is on the HTML page’s summary when a run has a calibration, and only then', async () => {
    const page = await renderHtml(rest);
    expect(page).toContain('efficiency');
    expect(page).toContain('3,400');
    expect(await renderHtml(aRun({ style: 'rest' }))).not.toContain('efficiency');
  });

  it('survives saving and reading back, and a damaged one is refused with its field', () => {
    expect(parseReport(JSON.stringify(rest), 'run.json')).toEqual(rest);
    const damaged = { ...rest, ceiling: { ...rest.ceiling, efficiency: 'high' } };
    expect(() => parseReport(JSON.stringify(damaged), 'run.json')).toThrow(/ceiling\.efficiency is not a number/);
  });
});
