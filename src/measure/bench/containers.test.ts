import { describe, expect, it } from 'vitest';
import { usageOf } from './containers.ts';

describe('usageOf', () => {
  it('turns the engine counters of a cgroup v1 container into CPU ms and memory without the page cache', () => {
    const usage = usageOf({
      cpu_stats: { cpu_usage: { total_usage: 2_500_000_000 } },
      memory_stats: { usage: 300 * 2 ** 20, stats: { total_inactive_file: 100 * 2 ** 20 } },
    });
    expect(usage).toEqual({ cpuMs: 2500, rssBytes: 200 * 2 ** 20, rssPeakBytes: 200 * 2 ** 20 });
  });

  it('reads cgroup v2 names, and a stopped container as nothing used', () => {
    expect(usageOf({ cpu_stats: { cpu_usage: { total_usage: 1e6 } }, memory_stats: { usage: 50, stats: { inactive_file: 20 } } }).rssBytes).toBe(30);
    expect(usageOf({})).toEqual({ cpuMs: 0, rssBytes: 0, rssPeakBytes: 0 });
  });
});
