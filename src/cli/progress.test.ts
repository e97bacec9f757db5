import { describe, expect, it } from 'vitest';
import type { LoadTick } from '../measure/engine/tally.ts';
import { progress } from './progress.ts';

const aTick = (overrides: Partial<LoadTick> = {}): LoadTick => ({
  phase: 'measure',
  elapsedMs: 12_400,
  sent: 123_456,
  completed: 123_400,
  inflight: 1_000,
  dropped: 0,
  errors: 0,
  rateLastSecond: 10_000,
  ...overrides,
});

/** a stream that keeps what is written */
function sink() {
  const chunks: string[] = [];
  return { chunks, stream: { write: (chunk: string) => chunks.push(chunk) > 0 } as unknown as NodeJS.WritableStream };
}

describe('progress', () => {
  it('on a terminal, rewrites one line in place, one column short of the width, and ends it when done', () => {
    const { chunks, stream } = sink();
    const live = progress(stream, { tty: true, width: 80, color: false }, 'collaboration');
    live.tick(aTick());
    live.tick(aTick({ dropped: 7, errors: 2 }));
    live.done();

    expect(chunks.slice(0, 2).every((c) => c.startsWith('\r\x1b[2K') && !c.includes('\n'))).toBe(true);
    for (const chunk of chunks.slice(0, 2)) expect(chunk.replace('\r\x1b[2K', '').length).toBeLessThanOrEqual(79);
    expect(chunks[1]).toContain('dropped 7');
    expect(chunks[1]).toContain('errors 2');
    expect(chunks.at(-1)).toBe('\n');
  });

  it('elsewhere (a CI log), prints one plain line per tick, no longer than 80 columns', () => {
    const { chunks, stream } = sink();
    const live = progress(stream, { tty: false, width: 80, color: false }, 'notification');
    live.phase('starting the system');
    live.tick(aTick());
    live.done();

    expect(chunks).toHaveLength(2);
    expect(chunks[0]).toBe('notification: starting the system\n');
    expect(chunks[1]).toMatch(/^notification: measure 12s · 10000\/s · sent 123456 · answered 123400/);
    for (const chunk of chunks) expect(chunk).toMatch(/^[^\r\x1b]{1,80}\n$/);
  });
});
