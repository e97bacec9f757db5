import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { LiveRecovery } from '../measure/faults/recovery.ts';
import { dashboardFrame } from './frame.ts';
import { aSecondOfLoad } from './test-samples.ts';
import { DashboardView, sparkline } from './view.tsx';

const screen = (width: number, recovery?: LiveRecovery) => {
  const samples = aSecondOfLoad();
  if (recovery) samples[samples.length - 1] = { ...samples[samples.length - 1]!, recovery };
  const { lastFrame, unmount } = render(<DashboardView frame={dashboardFrame(samples)} width={width} />);
  const text = lastFrame() ?? '';
  unmount();
  return text;
};

describe('DashboardView', () => {
  it('shows the style, the rates, the latencies and the keys a reviewer reads', () => {
    const text = screen(80);
    expect(text).toContain('collaboration · processes · 100.0/s intended · running 00:10');
    expect(text).toContain('offered 100.0 · accepted 100.0 · completed 60.0');
    expect(text).toMatch(/accept ms\s+p50\s+4\.00 p99\s+40\.0/);
    expect(text).toMatch(/completion ms\s+p50\s+30\.0 p99\s+2,000/);
    expect(text).toContain('in flight 3 · pending 127 · backlog 98  billing-orders-created 95+0');
    expect(text).toContain('failed 10: http 503 9, UND_ERR_SOCKET 1 · dropped 2 · 503s 4 · dead letters 2');
    expect(text).toContain('[billing] billing stopped');
    expect(text).toContain('q quit');
  });

  it('shows each service with its state, CPU and messages, and marks the selected one', () => {
    const lines = screen(80).split('\n');
    expect(lines.find((l) => l.startsWith('>billing'))).toMatch(/>billing\s+stopped\s+–\s+0\.0\s+60\.0\s+0/);
    expect(lines.find((l) => l.startsWith(' order '))).toMatch(/order\s+up\s+25\.0\s+0\.0\s+100\.0\s+0/);
    expect(lines.find((l) => l.startsWith(' nats-server'))).toMatch(/nats-server\s+up\s+2\.0\s+–\s+–\s+–/);
  });

  it('draws the completion histogram with its counts', () => {
    const text = screen(80);
    expect(text).toMatch(/≤1s █+\s+1/);
    expect(text).toMatch(/≤5ms\s+0/);
  });

  it('fits 80 columns and 24 rows, and grows with a wider terminal', () => {
    const narrow = screen(80).split('\n');
    expect(narrow.length).toBeLessThanOrEqual(24);
    for (const line of narrow) expect([...line].length).toBeLessThanOrEqual(80);
    const wide = screen(120).split('\n');
    for (const line of wide) expect([...line].length).toBeLessThanOrEqual(120);
  });
});

describe('the recovery line', () => {
  it('counts down the orders left after a service came back, then says how long the recovery took, within 80 columns and 24 rows', () => {
    const recovering = screen(80, { what: 'billing', left: 86, ms: null, elapsedMs: 3_400 });
    expect(recovering).toContain('recovering after billing came back: 86 orders left, 3 s so far');
    const recovered = screen(80, { what: 'billing', left: 0, ms: 1_240, elapsedMs: 9_000 }).split('\n');
    expect(recovered).toContain(' recovery after billing came back: 1.2 s');
    expect(recovered.length).toBeLessThanOrEqual(24);
    for (const line of recovered) expect([...line].length).toBeLessThanOrEqual(80);
  });

  it('is not shown before any service came back', () => {
    expect(screen(80)).not.toContain('recover');
  });
});

describe('sparkline', () => {
  it('scales to the highest value, keeps the newest values and leaves empty seconds blank', () => {
    expect(sparkline([0, 50, 100, null], 10)).toBe('▁▄█ ');
    expect(sparkline([1, 2, 3, 4], 2)).toBe('▆█');
  });
});
