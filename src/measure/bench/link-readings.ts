import type { LinkCost } from '../../model/schema.ts';
import { processUsage } from '../engine/proc.ts';

/** One link process at one read: what its /health counted so far, and its CPU from /proc. */
export interface LinkReading {
  /** `order>billing` */
  readonly name: string;
  readonly pid: number;
  /** bytes from the caller to the target, since the link process started */
  readonly forward: number;
  /** bytes from the target back */
  readonly backward: number;
  /** connections accepted since the link process started */
  readonly connections: number;
  /** ms of user + system CPU since the link process started */
  readonly cpuMs: number;
}

/** ms; the gateway answers /health within its own 1 s probe timeout */
const HEALTH_TIMEOUT_MS = 5_000;

/**
 * Every link of a processes-topology system, read through the gateway's /health, which lists each
 * link process (`service: 'links'`) with its own /health: its name, pid and bytes per direction.
 * Empty when the system runs without links; a link that does not answer is left out.
 */
export async function readLinks(gatewayUrl: string): Promise<LinkReading[]> {
  const health = (await (await fetch(`${gatewayUrl}/health`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) })).json()) as { processes?: Record<string, unknown>[] };
  const listed = (health.processes ?? []).filter((p) => p['service'] === 'links' && p['status'] === 'up');
  const read = await Promise.all(
    listed.map(async (p): Promise<LinkReading | undefined> => {
      const bytes = p['bytes'] as { forward?: unknown; backward?: unknown } | undefined;
      if (typeof p['link'] !== 'string' || typeof p['pid'] !== 'number' || typeof bytes?.forward !== 'number' || typeof bytes.backward !== 'number') return undefined;
      const usage = await processUsage(p['pid']);
      if (!usage) return undefined;
      const connections = typeof p['connections'] === 'number' ? p['connections'] : 0;
      return { name: p['link'], pid: p['pid'], forward: bytes.forward, backward: bytes.backward, connections, cpuMs: usage.cpuMs };
    }),
  );
  return read.filter((r): r is LinkReading => r !== undefined);
}

/**
 * What each link carried and spent between two reads, per accepted order too. A link whose process
 * was restarted between them (another pid) counts from its restart: its counters began again at 0.
 * Pure.
 */
export function linkCosts(before: readonly LinkReading[], after: readonly LinkReading[], orders: number): Record<string, LinkCost> {
  const per = (n: number) => (orders === 0 ? 0 : n / orders);
  const out: Record<string, LinkCost> = {};
  for (const a of [...after].sort((x, y) => (x.name < y.name ? -1 : 1))) {
    const b = before.find((r) => r.name === a.name && r.pid === a.pid) ?? { forward: 0, backward: 0, connections: 0, cpuMs: 0 };
    const forward = a.forward - b.forward;
    const backward = a.backward - b.backward;
    const cpuMs = a.cpuMs - b.cpuMs;
    out[a.name] = {
      bytes: { forward, backward },
      bytesPerOrder: { forward: per(forward), backward: per(backward) },
      connections: a.connections - b.connections,
      cpuMs,
      cpuMsPerOrder: per(cpuMs),
    };
  }
  return out;
}
