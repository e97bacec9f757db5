import { describe, expect, it } from 'vitest';
import { aRun } from '../report/test-builders.ts';
import { linkCpuMsOfRun } from './costs.ts';

const link = (cpuMsPerOrder: number) => ({ bytes: { forward: 1, backward: 1 }, bytesPerOrder: { forward: 1, backward: 1 }, connections: 1, cpuMs: cpuMsPerOrder * 100, cpuMsPerOrder });

describe('linkCpuMsOfRun', () => {
  it("spreads all the links' CPU per order over the flow's crossings", () => {
    // collaboration crosses 6 times per order (3 messages, to the broker and from it): 3 ms over 6
    const run = aRun({ style: 'collaboration', links: { 'order>nats': link(1.2), 'billing>nats': link(0.9), 'notification>nats': link(0.9) } });
    expect(linkCpuMsOfRun(run)).toBeCloseTo(0.5, 10);
  });

  it('has nothing to say of a run without links', () => {
    expect(linkCpuMsOfRun(aRun({ style: 'rest' }))).toBeUndefined();
  });
});
