import { describe, expect, it } from 'vitest';
import { parseLinkSpec } from './link-main.ts';

const spec = { name: 'order>billing', host: '127.0.0.1', statusPort: 0, profile: { latencyMs: 5, jitterMs: 1 }, routes: [{ port: 0, target: { host: '127.0.0.1', port: 4001 } }], seed: 3 };

describe('parseLinkSpec', () => {
  it('takes the spec the topology writes, as it is', () => {
    expect(parseLinkSpec(JSON.stringify(spec))).toEqual(spec);
  });

  it('says in one line what is wrong with a spec it cannot run', () => {
    expect(parseLinkSpec(undefined)).toBe('INTERPLAY_LINK must hold the link to run');
    expect(parseLinkSpec('{')).toBe('INTERPLAY_LINK is not JSON');
    expect(parseLinkSpec(JSON.stringify({ ...spec, statusPort: 70_000 }))).toMatch(/status port/);
    expect(parseLinkSpec(JSON.stringify({ ...spec, profile: { latencyMs: '5ms' } }))).toMatch(/latency and jitter/);
    expect(parseLinkSpec(JSON.stringify({ ...spec, routes: [{ port: 1 }] }))).toMatch(/routes/);
  });
});
