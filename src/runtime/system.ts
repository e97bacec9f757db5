import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { PasswordHasher } from '../services/auth/index.ts';
import type { DeliveryChannel } from '../services/notification/index.ts';
import type { ServiceApp } from '../platform/http/app.ts';
import type { OverloadLimits } from '../platform/http/overload.ts';
import type { ServiceMetrics } from '../platform/metrics.ts';
import type { StoreSelection } from '../platform/store/config.ts';
import { buildGateway } from '../transports/http/gateway.ts';
import { removeStreams } from '../transports/events/bus.ts';
import { SERVICES, type ServiceName, type Style } from '../model/style.ts';
import { hold } from './resources.ts';
import { composeService, type ComposedService } from './service.ts';
import { limitsFromEnv, trustedProxiesFromEnv, type Limits } from './limits.ts';

export interface SystemOptions {
  readonly style: Style;
  /** gateway port; 0 picks a free one */
  readonly port?: number;
  /** default 127.0.0.1 */
  readonly host?: string;
  /** keep the services' data here, one directory each; default a fresh temporary directory, removed on stop */
  readonly dataDir?: string;
  /** NATS server URL for the event styles */
  readonly natsUrl?: string;
  /** replicas of the event styles' streams and consumers (BusConfig.replicas); default 1 */
  readonly streamReplicas?: number;
  /** how notifications reach users; default one JSON line each on stdout */
  readonly delivery?: DeliveryChannel;
  /** default argon2id with OWASP parameters */
  readonly hasher?: PasswordHasher;
  /** pino level of the services' own logs; default 'warn' */
  readonly logLevel?: string;
  /** when the gateway and the services shed new requests with 503; default DEFAULT_OVERLOAD_LIMITS */
  readonly overload?: OverloadLimits;
  /** the shared service-to-service credential; default $INTERPLAY_SERVICE_SECRET, else a fresh random one */
  readonly serviceSecret?: string;
  /** login, registration and order limits; default what the environment says (INTERPLAY_LIMITS…), else DEFAULT_LIMITS */
  readonly limits?: Limits;
  /** where the services keep their tables; default SQLite files in their data directories */
  readonly store?: StoreSelection;
}

export interface RunningSystem {
  readonly style: Style;
  /** the gateway: the public API's base URL */
  readonly url: string;
  /** each service's own base URL (internal routes, /metrics, /openapi.json) */
  readonly services: Readonly<Record<ServiceName, string>>;
  readonly metrics: Readonly<Record<ServiceName, ServiceMetrics>>;
  /** the services' Fastify apps, for tests that inject requests */
  readonly apps: Readonly<Record<ServiceName, ServiceApp>>;
  readonly dataDir: string;
  /** the prefix of the event styles' streams and subjects, when the style uses a broker */
  readonly namespace?: string;
  stop(): Promise<void>;
}

/**
 * The inproc topology: the four services composed in this process, each on its own loopback port
 * with its own database, NATS connection and metrics, behind one gateway. The same composition
 * runs each service in its own process in the processes topology.
 */
export async function startSystem(opts: SystemOptions): Promise<RunningSystem> {
  const host = opts.host ?? '127.0.0.1';
  const temporary = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'interplay-')));
  // A signal that comes before stop() is held below still removes the temporary directory.
  const unholdDir = temporary ? hold(() => rm(dataDir, { recursive: true, force: true })) : () => undefined;
  await mkdir(dataDir, { recursive: true });
  const bus = opts.natsUrl
    ? { url: opts.natsUrl, namespace: await busNamespace(dataDir, temporary), ...(opts.streamReplicas ? { replicas: opts.streamReplicas } : {}) }
    : undefined;
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    unhold();
    unholdDir();
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
    if (bus && temporary) await removeStreams(bus.url, bus.namespace).catch(() => undefined);
    if (temporary) await rm(dataDir, { recursive: true, force: true });
  };
  const unhold = hold(stop);

  try {
    const serviceSecret = opts.serviceSecret ?? process.env['INTERPLAY_SERVICE_SECRET'] ?? newServiceSecret();
    const limits = opts.limits ?? envLimits();
    // Filled in as each service listens; callers read it on every call.
    const directory: Partial<Record<ServiceName, string>> = {};
    const composed = {} as Record<ServiceName, ComposedService>;
    for (const name of SERVICES) {
      composed[name] = await composeService({
        name,
        style: opts.style,
        dataDir: join(dataDir, name),
        peers: directory,
        bus,
        serviceSecret,
        delivery: opts.delivery,
        hasher: opts.hasher,
        logLevel: opts.logLevel,
        overload: opts.overload,
        limits,
        // Every service is this one process, its database's only writer: its units of work share commits.
        store: opts.store?.kind === 'postgres' ? { ...opts.store, groupCommit: true } : opts.store,
      });
      cleanups.push(() => composed[name].stop());
    }
    for (const name of SERVICES) directory[name] = await composed[name].listen(host, 0);
    const services = directory as Record<ServiceName, string>;

    const gateway: FastifyInstance = await buildGateway({
      style: opts.style,
      logLevel: opts.logLevel,
      overload: opts.overload,
      trustProxy: trustedProxiesFromEnv(),
      upstreams: { auth: [services.auth], billing: [services.billing], order: [services.order], notification: [services.notification] },
    });
    const url = await gateway.listen({ host, port: opts.port ?? 0 });
    // The gateway stops first, so no new request reaches a service that is closing.
    cleanups.push(() => gateway.close());

    const each = <T>(pick: (s: ComposedService) => T) => Object.fromEntries(SERVICES.map((s) => [s, pick(composed[s])])) as Record<ServiceName, T>;
    return { style: opts.style, url, services, metrics: each((s) => s.metrics), apps: each((s) => s.app), dataDir, ...(bus ? { namespace: bus.namespace } : {}), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The limits the environment sets; the CLI has checked them before, so a bad value here is a bug. */
function envLimits(): Limits {
  const parsed = limitsFromEnv();
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

/** A fresh service-to-service credential: 32 random bytes, hex. */
export const newServiceSecret = (): string => randomBytes(32).toString('hex');

/** the file in a kept data directory that holds its bus namespace */
export const BUS_NAMESPACE_FILE = 'bus-namespace';

/**
 * Streams and subjects of this system are prefixed, so systems can share a NATS server. A kept data
 * directory keeps its namespace (and so its durable consumers) across restarts; a temporary one
 * gets a fresh namespace whose streams are removed on stop.
 */
export async function busNamespace(dataDir: string, temporary: boolean): Promise<string> {
  const fresh = `ip${randomBytes(4).toString('hex')}`;
  if (temporary) return fresh;
  const file = join(dataDir, BUS_NAMESPACE_FILE);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    await writeFile(file, `${fresh}\n`);
    return fresh;
  }
}
