import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Ports are picked here and bound later by another process (a service, a link, a nats-server), so a
 * pick must stay free in between. A port from listen(0) comes from the kernel's ephemeral range, the
 * same range every outgoing connection takes its local port from: while a system starts, its services
 * and links open connections by the dozen, and one of them could take a port picked for a process not
 * yet started (seen: the gateway refused with EADDRINUSE, one start in six with links). So the pick is
 * made below the ephemeral range, where no outgoing connection lands, at random so that concurrent
 * runs on one machine rarely try the same port, and never twice from one process.
 *
 * Nor is a port picked that fetch refuses to connect to: the Fetch standard's "bad ports" fail every
 * fetch() with "bad port" (Node's included, which /health's probes and the tests use), so a service
 * put on one would look down. Of that list only 10080 lies in the range picked from.
 */
const LOWEST = 10_000;
/** Linux's default ephemeral range starts here (also below macOS's 49152) */
const DEFAULT_EPHEMERAL_LOW = 32_768;
/** attempts at a random port before falling back to the kernel's pick */
const ATTEMPTS = 64;
/** ports this process handed out, the oldest forgotten beyond this many */
const REMEMBERED = 4_096;

/** the Fetch standard's bad ports at or above LOWEST (https://fetch.spec.whatwg.org/#port-blocking) */
export const FETCH_BLOCKED_PORTS: ReadonlySet<number> = new Set([10_080]);

const handedOut = new Set<number>();
let ephemeralLow: number | undefined;

function lowestEphemeralPort(): number {
  if (ephemeralLow !== undefined) return ephemeralLow;
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    ephemeralLow = low !== undefined && Number.isInteger(low) && low > LOWEST + 1_000 ? low : DEFAULT_EPHEMERAL_LOW;
  } catch {
    ephemeralLow = DEFAULT_EPHEMERAL_LOW;
  }
  return ephemeralLow;
}

/** A loopback port free now, below the ephemeral range, not handed out before by this process. */
export async function freePort(): Promise<number> {
  const high = lowestEphemeralPort();
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (high - LOWEST));
    if (handedOut.has(port) || FETCH_BLOCKED_PORTS.has(port)) continue;
    // Held before the check, so a concurrent pick cannot take the same port meanwhile.
    remember(port);
    if ((await listenOn(port)) !== undefined) return port;
    handedOut.delete(port);
  }
  // A machine with that range full: the kernel's pick, which at least is free now.
  const port = await listenOn(0);
  if (port === undefined) throw new Error('no free port on 127.0.0.1');
  return remember(port);
}

function remember(port: number): number {
  handedOut.add(port);
  if (handedOut.size > REMEMBERED) handedOut.delete(handedOut.values().next().value as number);
  return port;
}

/** Listens on `port` (0: any) and closes again; the port it had, or undefined when it was taken. */
function listenOn(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(undefined));
    srv.listen(port, '127.0.0.1', () => {
      const address = srv.address();
      const bound = typeof address === 'object' && address !== null ? address.port : undefined;
      srv.close(() => resolve(bound));
    });
  });
}
