import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.ts';
import { aCompare, aRun } from './test-builders.ts';

describe('renderMarkdown', () => {
  const md = renderMarkdown(
    aCompare([aRun({ style: 'rest' }), aRun({ style: 'notification', errors: { 'http 503': 3 } }), aRun({ style: 'collaboration' })]),
  );

  it('heads the summary with the styles and states load and environment once', () => {
    expect(md.startsWith('## interplay: rest vs notification vs collaboration\n')).toBe(true);
    expect(md).toContain('- **Load:** open loop at 200/s (poisson) · 30 s measured (warm-up 5 s, drain ≤ 10 s) · 100 users · seed 42 · 10% insufficient funds');
    expect(md).toContain('Node v20.19.0');
    expect(md).toContain('AMD EPYC 7763 64-Core Processor × 4');
    expect(md).toContain('SQLite (WAL), one file per service');
  });

  it('shows what differs between runs with the styles that have each value', () => {
    expect(md).toContain('- **Environment, nats-server:** no nats-server (rest); nats-server: v2.10.22 (notification, collaboration)');
  });

  it('has the main tables, the ratios and the errors as GitHub tables', () => {
    expect(md).toContain('| style | placed | paid | rejected | pending | failed | shed | limited | dropped | offered /s | accepted /s | completed /s |');
    expect(md).toContain('| notification | 6,000 | 5,400 | 597 | 3 | 0 | 0 | 0 | 0 | 200.0 | 200.0 | 199.9 |');
    expect(md).toContain('| rest | 2.13 | 7.46 | 14.2 | 49.7 | 85.2 | 128 | 3.00 | 0 | 0 | 2.41 | 187 |');
    expect(md).toContain('### vs rest');
    expect(md).toContain('| notification | ×1.00 | ×0.70 | ×0.70 | ×1.00 | ×0.33 | – | ×1.27 |');
    expect(md).toContain('### Errors');
    expect(md).toContain('| notification | http 503 | 3 |');
  });

  it('renders a single run without ratios or errors', () => {
    const one = renderMarkdown(aRun({ style: 'collaboration' }));
    expect(one).toContain('## interplay: collaboration');
    expect(one).toContain('| collaboration | 6,000 |');
    expect(one).not.toContain('vs rest');
    expect(one).not.toContain('### Errors');
  });

  it('escapes text that would break a table', () => {
    const odd = renderMarkdown(aRun({ errors: { 'http 5xx | weird': 1 } }));
    expect(odd).toContain('| rest | http 5xx \\| weird | 1 |');
  });

  it('has no "vs rest" section for a comparison of one style', () => {
    expect(renderMarkdown(aCompare([aRun({ style: 'rest' })]))).not.toContain('vs rest');
  });

  it('adds a "CPU by process" table, with the same columns as the terminal, once a run measured several processes', () => {
    const process = (cpuMsPerOrder: number) => ({ cpuMs: cpuMsPerOrder * 6000, cpuMsPerOrder, rssPeakBytes: 64 * 2 ** 20 });
    const split = renderMarkdown(aRun({ style: 'notification', cost: { byService: { gateway: process(0.5), 'nats-server': process(0.25) } } }));
    expect(split).toContain('### CPU by process');
    expect(split).toContain(
      '| style | system CPU ms /order | system peak RSS MiB | gateway CPU ms /order | gateway peak RSS MiB | nats-server CPU ms /order | nats-server peak RSS MiB |',
    );
    expect(split).toContain('| notification | 3.05 | 187 | 0.500 | 64.0 | 0.250 | 64.0 |');
    expect(md).not.toContain('CPU by process');
  });
});
