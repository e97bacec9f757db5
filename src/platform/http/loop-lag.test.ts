import { describe, expect, it } from 'vitest';
import { loopLagMonitoring, loopLagMs, loopLagRequestClosed, loopLagRequestOpened } from './loop-lag.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('loop lag', () => {
  it('measures the delay of a loop that stalls while a request is open', async () => {
    loopLagRequestOpened();
    try {
      for (let i = 0; i < 6; i++) {
        const until = Date.now() + 60;
        while (Date.now() < until); // the loop is blocked, as a CPU-bound burst blocks it
        await sleep(1);
      }
      await sleep(250); // a whole sample after the stalls began

      expect(loopLagMs()).toBeGreaterThan(0);
    } finally {
      loopLagRequestClosed();
    }
  });

  it('stops waking the process once no request has been open for a sample, and forgets the last delay', async () => {
    loopLagRequestOpened();
    expect(loopLagMonitoring()).toBe(true);
    loopLagRequestClosed();

    await sleep(500); // two samples: the one that saw the request, then one that saw none

    expect(loopLagMonitoring()).toBe(false);
    expect(loopLagMs()).toBeUndefined();
  });
});
