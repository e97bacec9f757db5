import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeStreams } from '../transports/events/bus.ts';
import { SERVICES, type ServiceName, type Style } from '../model/style.ts';
import { freePort } from './nats-server.ts';
import { peersOf, type ProcessKind } from './peers.ts';
import { createSupervisor, type Supervisor, type SupervisorOptions } from './supervisor.ts';
import { hold } from './resources.ts';
import { busNamespace, newServiceSecret } from './system.ts';
import { limitsEnv, type Limits } from './limits.ts';
import type { StoreSelection } from '../platform/store/config.ts';
import { storeEnv } from './store-env.ts';
import { linksFromEnv, type LinksConfig } from './links/profile.ts';
import { LINK_SPEC_ENV } from './links/link-process.ts';
import { linkProcessName, planLinks } from './links/plan.ts';

export interface ProcessesOptions {
  readonly style: Style;
  /** gateway port; 0 picks a free one */
  readonly port?: number;
  /** default 127.0.0.1 */
  readonly host?: string;
  /** keep each service's data in DIR/<service>; default a fresh temporary directory, removed on stop */
  readonly dataDir?: string;
  /** NATS server URL for the event styles */
  readonly natsUrl?: string;
  /** replicas of the event styles' streams and consumers, passed as INTERPLAY_STREAM_REPLICAS; default 1 */
  readonly streamReplicas?: number;
  /** instances per service; default 1 each (auth always 1) */
  readonly replicas?: Readonly<Partial<Record<ServiceName, number>>>;
  /** notification: POST deliveries here instead of printing them as JSON lines */
  readonly webhook?: string;
  /** default 'warn' */
  readonly logLevel?: string;
  /** where the children's stdout lines go (notification deliveries); default this process's stdout */
  readonly onStdoutLine?: (line: string) => void;
  readonly supervisor?: Omit<SupervisorOptions, 'stdout'>;
  /** the shared service-to-service credential; default $INTERPLAY_SERVICE_SECRET, else a fresh one */
  readonly serviceSecret?: string;
  /** login, registration and order limits; default what the children read from the environment */
  readonly limits?: Limits;
  /** where the services keep their tables; default SQLite files in their data directories */
  readonly store?: StoreSelection;
  /** links with latency between the services and to the broker, each a relay process; default $INTERPLAY_LINKS, else direct */
  readonly links?: LinksConfig;
}

export interface ProcessesSystem {
  readonly style: Style;
  readonly url: string;
  /** each service's first replica, as in the inproc topology */
  readonly services: Readonly<Record<ServiceName, string>>;
  /** every replica's base URL */
  readonly replicas: Readonly<Record<ServiceName, readonly string[]>>;
  readonly supervisor: Supervisor;
  readonly dataDir: string;
  /** the prefix of the event styles' streams and subjects, when the style uses a broker */
  readonly namespace?: string;
  /** each link's /health (bytes per direction), when the system runs with links */
  readonly links?: readonly { readonly name: string; readonly url: string }[];
  stop(): Promise<void>;
}

const BIN = fileURLToPath(new URL('../../bin/interplay', import.meta.url));

/**
 * The processes topology: a supervisor in this process runs every service replica and the
 * gateway as `interplay service NAME`, configured by environment variables as a container would
 * be. Ports are chosen up front, so a restarted child comes back where its callers look for it.
 */
export async function startProcesses(opts: ProcessesOptions): Promise<ProcessesSystem> {
  const host = opts.host ?? '127.0.0.1';
  const temporary = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'interplay-')));
  await mkdir(dataDir, { recursive: true });
  const namespace = opts.natsUrl ? await busNamespace(dataDir, temporary) : undefined;
  const onLine = opts.onStdoutLine;
  const supervisor = createSupervisor({ ...opts.supervisor, ...(onLine ? { stdout: (line: string) => onLine(line) } : {}) });
  const stop = async () => {
    unhold();
    await supervisor.shutdown();
    if (opts.natsUrl && namespace && temporary) await removeStreams(opts.natsUrl, namespace).catch(() => undefined);
    if (temporary) await rm(dataDir, { recursive: true, force: true });
  };
  const unhold = hold(stop);

  try {
    const replicas = {} as Record<ServiceName, string[]>;
    for (const service of SERVICES) {
      const count = service === 'auth' ? 1 : (opts.replicas?.[service] ?? 1);
      replicas[service] = [];
      for (let i = 0; i < count; i++) replicas[service].push(`http://${host}:${await freePort()}`);
    }
    const gatewayPort = opts.port || (await freePort());
    const common: Record<string, string | undefined> = {
      INTERPLAY_STYLE: opts.style,
      INTERPLAY_HOST: host,
      INTERPLAY_SERVICE_SECRET: opts.serviceSecret ?? process.env['INTERPLAY_SERVICE_SECRET'] ?? newServiceSecret(),
      INTERPLAY_LOG_LEVEL: opts.logLevel ?? 'warn',
      // The broker is the one this launch resolved, or none (the REST style): a NATS_URL in our own
      // environment must not reach the children, where an empty one would be refused as a bad URL.
      ...(opts.natsUrl && namespace ? { NATS_URL: opts.natsUrl, INTERPLAY_NATS_NAMESPACE: namespace } : { NATS_URL: undefined }),
      ...(opts.limits ? limitsEnv(opts.limits) : {}),
      ...storeEnv(opts.store),
      ...(opts.natsUrl && opts.streamReplicas ? { INTERPLAY_STREAM_REPLICAS: String(opts.streamReplicas) } : {}),
    };
    const linksConfig = opts.links ?? linksFromEnv();
    const plan = linksConfig
      ? await planLinks({ style: opts.style, host, services: SERVICES, replicas, natsUrl: opts.natsUrl, config: linksConfig, freePort })
      : undefined;
    const linkUrls = (plan?.links ?? []).map((link) => ({ name: link.name, url: `http://${host}:${link.statusPort}` }));
    // A service reaches each peer, and the broker, through its link; the gateway stands for the edge and calls directly.
    const peerEnv = (kind: ProcessKind) => ({
      ...Object.fromEntries(
        peersOf(kind, opts.style).map((peer) => [
          `INTERPLAY_${peer.toUpperCase()}_URL`,
          plan && kind !== 'gateway' ? plan.peerUrls(kind, peer) : replicas[peer].join(','),
        ]),
      ),
      ...(plan && kind !== 'gateway' && opts.natsUrl ? { NATS_URL: plan.natsUrl(kind) ?? opts.natsUrl } : {}),
      ...(plan && kind === 'gateway' ? { INTERPLAY_LINK_STATUS: linkUrls.map((l) => l.url).join(',') } : {}),
    });
    const spec = (kind: ProcessKind, replica: number, port: number, extra: Record<string, string> = {}) => ({
      service: kind,
      replica,
      command: process.execPath,
      args: [BIN, 'service', kind],
      env: { ...common, ...peerEnv(kind), INTERPLAY_PORT: String(port), ...extra },
    });

    // Links first: a service's first call or broker connection goes through its link.
    await Promise.all(
      (plan?.links ?? []).map((link) =>
        supervisor.start({
          service: linkProcessName(link.name),
          replica: 1,
          command: process.execPath,
          args: [BIN, 'link'],
          env: { INTERPLAY_LOG_LEVEL: common['INTERPLAY_LOG_LEVEL']!, [LINK_SPEC_ENV]: JSON.stringify(link) },
        }),
      ),
    );
    await Promise.all(
      SERVICES.flatMap((service) =>
        replicas[service].map((url, i) =>
          supervisor.start(
            spec(service, i + 1, Number(new URL(url).port), {
              INTERPLAY_DATA_DIR: join(dataDir, service),
              ...(service === 'notification' && opts.webhook ? { INTERPLAY_WEBHOOK_URL: opts.webhook } : {}),
            }),
          ),
        ),
      ),
    );
    const gateway = await supervisor.start(spec('gateway', 1, gatewayPort));
    const url = gateway.url ?? `http://${host}:${gatewayPort}`;
    const first = Object.fromEntries(SERVICES.map((s) => [s, replicas[s][0]!])) as Record<ServiceName, string>;
    return { style: opts.style, url, services: first, replicas, supervisor, dataDir, ...(namespace ? { namespace } : {}), ...(plan ? { links: linkUrls } : {}), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
