import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { natsServers } from '../platform/events/connection.ts';
import { counterDelta, scrapeMetrics, type MetricsSnapshot } from '../measure/engine/metrics-snapshot.ts';
import { processUsage } from '../measure/engine/proc.ts';
import { streamsFor } from '../platform/events/streams.ts';
import type { LaunchedSystem } from '../runtime/launch.ts';
import type { ConsumerBacklog, ProcessSample, ServiceSample, SystemFacts } from './sample.ts';

export interface SystemCollector {
  collect(): Promise<SystemFacts>;
  close(): Promise<void>;
}

/**
 * ms; the gateway probes each service with a 1 s limit, so its /health answers within about that
 * even with a service hung. Longer, and a sample would come late.
 */
const HEALTH_TIMEOUT_MS = 2_000;
/** the streams whose consumers have backlogs (the dead letters have no consumer) */
const SOURCE_STREAMS = ['AUTH', 'ORDERS', 'BILLING'] as const;

const EMPTY: MetricsSnapshot = new Map();

/** Reads /health, /metrics, /proc and JetStream for one launched system. */
export function systemCollector(system: LaunchedSystem): SystemCollector {
  let nats: Promise<{ nc: NatsConnection; jsm: JetStreamManager }> | undefined;
  /** the last scrape that answered: a failed one shows no change rather than nothing */
  let lastMetrics: MetricsSnapshot = EMPTY;

  const backlog = async (): Promise<ConsumerBacklog[]> => {
    const { natsUrl, namespace } = system;
    if (!natsUrl || !namespace) return [];
    nats ??= connect({ servers: natsServers(natsUrl), name: `interplay-dashboard-${namespace}` }).then(async (nc) => ({ nc, jsm: await jetstreamManager(nc) }));
    const { jsm } = await nats;
    const defs = streamsFor(namespace);
    const out: ConsumerBacklog[] = [];
    for (const key of SOURCE_STREAMS) {
      for await (const info of jsm.consumers.list(defs[key].name)) {
        out.push({ consumer: info.name, pending: info.num_pending, ackPending: info.num_ack_pending });
      }
    }
    return out;
  };

  return {
    async collect() {
      const [health, metrics, queues] = await Promise.all([
        readHealth(system.url),
        scrapeMetrics(system.url).catch(() => lastMetrics),
        backlog().catch(() => []),
      ]);
      lastMetrics = metrics;
      const byService = (name: string) => counterDelta(EMPTY, metrics, name, (l) => l.service ?? '');
      const processes = await processSamples(system);
      return {
        processes,
        calls: byService('interplay_http_client_requests_total'),
        messages: byService('interplay_messages_published_total'),
        served503: counterDelta(EMPTY, metrics, 'interplay_http_server_requests_total', (l) => String(l.status))['503'] ?? 0,
        services: serviceStates(health, system),
        backlog: queues,
      };
    },
    async close() {
      const open = nats;
      nats = undefined;
      if (open) await (await open.catch(() => undefined))?.nc.drain().catch(() => undefined);
    },
  };
}

interface Health {
  readonly services?: Readonly<Record<string, { readonly status?: string; readonly deadLetters?: number }>>;
}

async function readHealth(url: string): Promise<Health> {
  try {
    // 503 (degraded) still carries the body.
    return (await (await fetch(`${url}/health`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) })).json()) as Health;
  } catch {
    return {};
  }
}

/** /health's state, unless the supervisor knows better (stopped on purpose, starting, backing off). */
function serviceStates(health: Health, system: LaunchedSystem): ServiceSample[] {
  const listed = system.supervisor?.list() ?? [];
  const names = Object.keys(health.services ?? {});
  for (const p of listed) if (p.service !== 'gateway' && !names.includes(p.service)) names.push(p.service);
  return names.map((name) => {
    const reported = health.services?.[name];
    const states = [...new Set(listed.filter((p) => p.service === name).map((p) => p.state))];
    const supervised = states.length === 1 && states[0] !== 'up' ? states[0] : states.length > 1 ? states.join('/') : undefined;
    return { name, state: supervised ?? reported?.status ?? 'down', deadLetters: reported?.deadLetters ?? 0 };
  });
}

/**
 * processes: every supervised replica and the gateway, and this process (the supervisor, the load
 * and the dashboard); inproc: this one process, which runs all of them. nats-server when private.
 */
async function processSamples(system: LaunchedSystem): Promise<ProcessSample[]> {
  const self = system.supervisor ? 'dashboard' : 'this process';
  const pids = [
    ...(system.supervisor?.list() ?? []).flatMap((p) => (p.pid === undefined ? [] : [{ name: p.service, pid: p.pid }])),
    { name: self, pid: process.pid },
    // A cluster's nodes are rows of their own, read live: a node brought back runs as a new process.
    ...(system.brokerNodes
      ? system.brokerNodes.flatMap((node) => (node.pid > 0 ? [{ name: `nats-server ${node.name}`, pid: node.pid }] : []))
      : system.natsPid
        ? [{ name: 'nats-server', pid: system.natsPid }]
        : []),
  ];
  const usages = await Promise.all(pids.map((p) => processUsage(p.pid)));
  return pids.flatMap((p, i) => {
    const usage = usages[i];
    return usage ? [{ ...p, cpuMs: usage.cpuMs }] : [];
  });
}
