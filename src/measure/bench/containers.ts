import { Agent, request } from 'undici';
import type { ProcessUsage } from '../engine/proc.ts';

/** The engine's API socket; DOCKER_HOST=unix:///… moves it. */
const DEFAULT_SOCKET = '/var/run/docker.sock';
/** ms for one API call; the stats of a container answer in milliseconds with one-shot */
const API_TIMEOUT_MS = 10_000;

/** What the "CPU by process" block calls a compose service, so that its columns line up with the other topologies. */
const COLUMN: Readonly<Record<string, string>> = { nats: 'nats-server', 'nats-2': 'nats-server', 'nats-3': 'nats-server' };

interface ContainerSummary {
  readonly Id: string;
  readonly Labels: Readonly<Record<string, string>>;
}

interface ContainerStats {
  readonly cpu_stats?: { readonly cpu_usage?: { readonly total_usage?: number } };
  readonly memory_stats?: {
    readonly usage?: number;
    readonly stats?: Readonly<Record<string, number>>;
  };
}

/**
 * CPU and memory of every container of a compose project, from the engine's stats API (the cgroup
 * counters the engine reads), added up per compose service: replicas count under one name.
 */
export async function composeProjectUsage(project: string, socketPath = engineSocket()): Promise<Record<string, ProcessUsage>> {
  const dispatcher = new Agent({ connect: { socketPath } });
  try {
    const filters = encodeURIComponent(JSON.stringify({ label: [`com.docker.compose.project=${project}`] }));
    const containers = await api<ContainerSummary[]>(dispatcher, `/containers/json?filters=${filters}`);
    if (containers.length === 0) throw new Error(`the engine runs no container of the compose project ${project}`);
    const out: Record<string, ProcessUsage> = {};
    for (const container of containers) {
      const service = container.Labels['com.docker.compose.service'] ?? container.Id.slice(0, 12);
      const usage = usageOf(await api<ContainerStats>(dispatcher, `/containers/${container.Id}/stats?stream=false&one-shot=true`));
      const name = COLUMN[service] ?? service;
      const sum = out[name];
      out[name] = sum ? { cpuMs: sum.cpuMs + usage.cpuMs, rssBytes: sum.rssBytes + usage.rssBytes, rssPeakBytes: sum.rssPeakBytes + usage.rssPeakBytes } : usage;
    }
    return out;
  } finally {
    await dispatcher.close();
  }
}

/** A container's counters as a process's: CPU ns to ms; memory without the page cache, as RSS would be. */
export function usageOf(stats: ContainerStats): ProcessUsage {
  const memory = stats.memory_stats ?? {};
  // cgroup v1 counts the page cache in usage; v2 names the reclaimable part inactive_file.
  const cache = memory.stats?.['total_inactive_file'] ?? memory.stats?.['inactive_file'] ?? 0;
  const rssBytes = Math.max(0, (memory.usage ?? 0) - cache);
  return {
    cpuMs: (stats.cpu_stats?.cpu_usage?.total_usage ?? 0) / 1e6,
    rssBytes,
    // The engine's peak (max_usage, cgroup v1 only) includes the page cache, which would overstate it
    // many times over for a database; the sample is the honest figure.
    rssPeakBytes: rssBytes,
  };
}

function engineSocket(): string {
  const host = process.env['DOCKER_HOST'];
  return host?.startsWith('unix://') ? host.slice('unix://'.length) : DEFAULT_SOCKET;
}

async function api<T>(dispatcher: Agent, path: string): Promise<T> {
  const res = await request(`http://docker${path}`, { dispatcher, headersTimeout: API_TIMEOUT_MS, bodyTimeout: API_TIMEOUT_MS });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`the Docker engine answered ${res.statusCode} to ${path}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}
