import { AggregatorRegistry, type Registry } from 'prom-client';

/** one replica's metrics in prom-client's JSON form */
type MetricsJson = object[];

/** ms; /health must answer promptly even when a service hangs */
const PROBE_TIMEOUT_MS = 1000;
/** ms; a scrape of a loaded service must still answer, or its numbers are suspect anyway */
const SCRAPE_TIMEOUT_MS = 10_000;

export type Upstreams = Readonly<Record<string, readonly string[]>>;

/** One process as its own /health describes it. */
export interface ProcessHealth {
  readonly service: string;
  readonly url: string;
  readonly status: 'up' | 'down';
  readonly replica?: number;
  readonly pid?: number;
  readonly restarts?: number;
  readonly upSince?: string;
  readonly [fact: string]: unknown;
}

async function probe(service: string, url: string): Promise<ProcessHealth> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    if (!res.ok) return { service, url, status: 'down', httpStatus: res.status };
    return { ...((await res.json()) as Record<string, unknown>), service, url, status: 'up' };
  } catch {
    return { service, url, status: 'down' };
  }
}

/**
 * Every replica of every service, probed at once. A service is `up` when all its replicas are,
 * `degraded` when some are, `down` when none; its dead letters add up over its replicas.
 */
export async function systemHealth(upstreams: Upstreams): Promise<{ services: Record<string, unknown>; processes: ProcessHealth[] }> {
  const processes = await Promise.all(
    Object.entries(upstreams).flatMap(([service, urls]) => urls.map((url) => probe(service, url))),
  );
  const services: Record<string, unknown> = {};
  for (const service of Object.keys(upstreams)) {
    const replicas = processes.filter((p) => p.service === service);
    const up = replicas.filter((p) => p.status === 'up');
    const status = up.length === replicas.length ? 'up' : up.length === 0 ? 'down' : 'degraded';
    const deadLetters = up.reduce((n, p) => n + (typeof p['deadLetters'] === 'number' ? p['deadLetters'] : 0), 0);
    services[service] = { ...(up[0] ?? {}), service, status, ...(up.some((p) => 'deadLetters' in p) ? { deadLetters } : {}), replicas: replicas.length };
  }
  return { services, processes };
}

/** Each link process as a process of its own, named `links` so that their CPU adds up apart from the services'. */
export async function linkHealth(urls: readonly string[]): Promise<ProcessHealth[]> {
  return Promise.all(urls.map((url) => probe('links', url)));
}

/** Each replica's metrics in prom-client's JSON form; a replica that does not answer is left out. */
async function scrape(url: string): Promise<MetricsJson | undefined> {
  try {
    const res = await fetch(`${url}/metrics?format=json`, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
    return res.ok ? ((await res.json()) as MetricsJson) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The whole system's metrics: every replica's, summed per label set. Each service labels its
 * series with its name, so services stay apart while replicas of one add up.
 */
export async function systemMetrics(upstreams: Upstreams): Promise<Registry> {
  const all = await Promise.all(Object.values(upstreams).flatMap((urls) => urls.map(scrape)));
  return AggregatorRegistry.aggregate(all.filter((m): m is MetricsJson => m !== undefined));
}
