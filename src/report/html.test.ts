import { describe, expect, it } from 'vitest';
import { commandLine, renderHtml } from './html.ts';
import { aCompare, aRun, aTimeline } from './test-builders.ts';

describe('renderHtml', () => {
  it('makes one page with every chart inline, and nothing a browser would fetch or run', async () => {
    const html = await renderHtml(aCompare([aRun({ style: 'rest', timeline: aTimeline() }), aRun({ style: 'collaboration', timeline: aTimeline() })]));
    for (const id of ['latency-accept', 'latency-completion', 'throughput-rest', 'accept-over-time-collaboration', 'per-order-reads', 'per-order-messages', 'per-order-cpu']) {
      expect(html).toMatch(new RegExp(`<figure class="chart" id="${id}"[^>]*>\\s*<div class="plot"><svg`));
    }
    expect(html).not.toMatch(/<script|<link|<img|<iframe|url\(/i);
    expect(html).not.toMatch(/(src|href)="(?!#)/);
    expect(html).toContain("default-src 'none'");
  });

  it('renders an older run without a timeline, saying so instead of drawing over time', async () => {
    const html = await renderHtml(aRun({ style: 'notification' }));
    expect(html).toContain('<title>interplay: notification</title>');
    expect(html).toMatch(/id="throughput-notification"[\s\S]*?saved without a per-second timeline/);
    expect(html).toContain('<svg');
  });

  it('shows the exact command line, escaped for the page', async () => {
    const html = await renderHtml(aRun({ config: { argv: ['bench', '--out', 'a <b> dir'] } }));
    expect(html).toContain('<code>interplay bench --out &#39;a &lt;b&gt; dir&#39;</code>');
  });
});

describe('commandLine', () => {
  it('quotes only what a shell would split or expand', () => {
    expect(commandLine(['compare', '--styles', 'rest,collaboration', '--rate', '20'])).toBe('interplay compare --styles rest,collaboration --rate 20');
    expect(commandLine(['bench', '--out', "it's here"])).toBe(`interplay bench --out 'it'\\''s here'`);
  });
});
