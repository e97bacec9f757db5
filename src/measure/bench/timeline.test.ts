import { describe, expect, it } from 'vitest';
import type { LoadTick } from '../engine/tally.ts';
import { recordTimeline } from './timeline.ts';

const tick = (elapsedMs: number, sent: number, dropped = 0): LoadTick => ({
  phase: 'measure',
  elapsedMs,
  sent,
  completed: 0,
  inflight: 0,
  dropped,
  errors: 0,
  rateLastSecond: 0,
});

describe('recordTimeline', () => {
  it('counts offers, acceptances and completions in the second they happened', () => {
    const origin = 5_000;
    const t = recordTimeline(origin);
    t.tick(tick(1_002, 10));
    t.tick(tick(2_001, 18, 2));
    for (const ms of [1, 2, 3, 4, 100]) t.accepted(origin + 1_500, ms);
    t.accepted(origin + 200, 7);
    const rows = t.build(25, [origin + 300, origin + 2_999, origin + 3_100]);
    expect(rows).toEqual([
      { t: 0, offered: 10, accepted: 1, completed: 1, acceptP50: 7, acceptP99: 7 },
      { t: 1, offered: 10, accepted: 5, completed: 0, acceptP50: 3, acceptP99: 100 },
      { t: 2, offered: 5, accepted: 0, completed: 1, acceptP50: null, acceptP99: null },
      { t: 3, offered: 0, accepted: 0, completed: 1, acceptP50: null, acceptP99: null },
    ]);
  });

  it('puts a tick that fired late in the second it mostly covers', () => {
    const t = recordTimeline(0);
    t.tick(tick(1_000, 5));
    t.tick(tick(2_700, 12));
    expect(t.build(12, []).map((r) => r.offered)).toEqual([5, 7]);
  });
});
