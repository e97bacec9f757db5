import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from './free-port.ts';

describe('free ports', () => {
  it('picks ports below the ephemeral range that can be listened on, never the same one twice', async () => {
    const ports = await Promise.all(Array.from({ length: 200 }, () => freePort()));

    expect(new Set(ports).size).toBe(200);
    const [ephemeralLow] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    for (const port of ports) expect(port).toBeLessThan(ephemeralLow!);
    const srv = createServer();
    await new Promise<void>((resolve) => srv.listen(ports[0], '127.0.0.1', resolve));
    srv.close();
  });
});
