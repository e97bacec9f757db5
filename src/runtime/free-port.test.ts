import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FETCH_BLOCKED_PORTS, freePort } from './free-port.ts';

describe('free ports', () => {
  afterEach(() => vi.restoreAllMocks());

  it('picks ports below the ephemeral range that can be listened on, never the same one twice', async () => {
    const ports = await Promise.all(Array.from({ length: 200 }, () => freePort()));

    expect(new Set(ports).size).toBe(200);
    const [ephemeralLow] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    for (const port of ports) expect(port).toBeLessThan(ephemeralLow!);
    const srv = createServer();
    await new Promise<void>((resolve) => srv.listen(ports[0], '127.0.0.1', resolve));
    srv.close();
  });

  it('never picks a port that fetch refuses as a bad port, where a service would answer nothing fetch can reach', async () => {
    const [ephemeralLow] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    // Every draw lands on 10080 until the last few: the pick must skip it rather than hand it out.
    const blocked = 10_080;
    const onBlocked = (blocked - 10_000 + 0.5) / (ephemeralLow! - 10_000);
    let draws = 0;
    vi.spyOn(Math, 'random').mockImplementation(() => (++draws < 60 ? onBlocked : 0.5));
    const port = await freePort();

    expect(draws).toBeGreaterThanOrEqual(60);
    expect(port).not.toBe(blocked);
    expect(FETCH_BLOCKED_PORTS.has(blocked)).toBe(true);
    const refused = await fetch(`http://127.0.0.1:${blocked}/`).catch((e: Error) => e.cause as Error);
    expect((refused as Error).message).toBe('bad port');
  });
});
