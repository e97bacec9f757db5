import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { AggregatorRegistry } from 'prom-client';
import {
  SERVICE_AUDIENCE,
  TOKEN_ALG,
  TOKEN_ISSUER,
  USER_AUDIENCE,
  argon2idHasher,
  authMigrations,
  generateSigningKeys,
  tokenIssuer,
  type PasswordHasher,
} from '../services/auth/index.ts';
import { billingMigrations } from '../services/billing/index.ts';
import { systemClock, uuidV7 } from '../services/kernel/index.ts';
import { notificationMigrations, type DeliveryChannel } from '../services/notification/index.ts';
import { orderMigrations } from '../services/order/index.ts';
import { migrate, openSqlite } from '../platform/db.ts';
import { createServiceApp, type ServiceApp } from '../platform/http/app.ts';
import type { OverloadLimits } from '../platform/http/overload.ts';
import { requireToken, type TokenPolicy } from '../platform/http/tokens.ts';
import { serviceMetrics, type ServiceMetrics } from '../platform/metrics.ts';
import { logChannel } from '../platform/delivery/log.ts';
import { authRoutes } from '../transports/rest/auth.routes.ts';
import { billingRoutes } from '../transports/rest/billing.routes.ts';
import { internalApis, type InternalApis } from '../transports/rest/clients.ts';
import { buildGateway } from '../transports/rest/gateway.ts';
import { notificationRoutes } from '../transports/rest/notification.routes.ts';
import { orderRoutes } from '../transports/rest/order.routes.ts';
import { SERVICES, type Databases, type ServiceName, type Style } from '../transports/wiring.ts';
import { wiringFor } from '../transports/index.ts';
import { serviceTokens } from './service-tokens.ts';

export interface SystemOptions {
  readonly style: Style;
  /** gateway port; 0 picks a free one */
  readonly port?: number;
  /** default 127.0.0.1 */
  readonly host?: string;
  /** keep the services' databases here; default a fresh temporary directory, removed on stop */
  readonly dataDir?: string;
  /** NATS server URL for the event styles */
  readonly natsUrl?: string;
  /** how notifications reach users; default one JSON line each on stdout */
  readonly delivery?: DeliveryChannel;
  /** default argon2id with OWASP parameters */
  readonly hasher?: PasswordHasher;
  /** pino level of the services' own logs; default 'warn' */
  readonly logLevel?: string;
  /** when the gateway and the services shed new requests with 503; default DEFAULT_OVERLOAD_LIMITS */
  readonly overload?: OverloadLimits;
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
  stop(): Promise<void>;
}

/** Starts the four services in this process, each on its own loopback port, behind one gateway. */
export async function startSystem(opts: SystemOptions): Promise<RunningSystem> {
  const host = opts.host ?? '127.0.0.1';
  const temporary = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'interplay-')));
  await mkdir(dataDir, { recursive: true });
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    cleanups.length = 0;
    if (temporary) await rm(dataDir, { recursive: true, force: true });
  };

  try {
    const dbs: Databases = {
      auth: openSqlite(join(dataDir, 'auth.sqlite')),
      billing: openSqlite(join(dataDir, 'billing.sqlite')),
      order: openSqlite(join(dataDir, 'order.sqlite')),
      notification: openSqlite(join(dataDir, 'notification.sqlite')),
    };
    cleanups.push(...Object.values(dbs).map((db) => () => db.destroy()));
    await migrate(dbs.auth, authMigrations);
    await migrate(dbs.billing, billingMigrations);
    await migrate(dbs.order, orderMigrations);
    await migrate(dbs.notification, notificationMigrations);

    const keys = await generateSigningKeys(uuidV7.next());
    const issuer = tokenIssuer(keys, systemClock.now);
    const policy = (audience: string): TokenPolicy => ({ key: keys.publicKey, issuer: TOKEN_ISSUER, audience, algorithm: TOKEN_ALG });
    const guards = { user: requireToken(policy(USER_AUDIENCE)), service: requireToken(policy(SERVICE_AUDIENCE)) };
    const tokenFor = serviceTokens(issuer);

    const metrics = Object.fromEntries(SERVICES.map((s) => [s, serviceMetrics(s)])) as Record<ServiceName, ServiceMetrics>;
    const directory: Partial<Record<ServiceName, string>> = {};
    const apis = new Map<ServiceName, InternalApis>();
    const apisFor = (caller: ServiceName): InternalApis => {
      let a = apis.get(caller);
      if (!a) {
        a = internalApis({ caller: metrics[caller], directory, token: tokenFor(caller) });
        apis.set(caller, a);
      }
      return a;
    };
    cleanups.push(() => Promise.all([...apis.values()].map((a) => a.close())));

    const bus = opts.natsUrl ? { url: opts.natsUrl, ...(await busNamespace(dataDir, temporary)) } : undefined;
    const wiring = wiringFor(opts.style)({ dbs, metrics, apis: apisFor, bus, logLevel: opts.logLevel });
    const common = { clock: systemClock, ids: uuidV7 };
    const deps = {
      auth: { ...common, db: dbs.auth, hasher: opts.hasher ?? argon2idHasher, tokens: issuer, events: wiring.events.auth },
      billing: { ...common, db: dbs.billing, events: wiring.events.billing },
      order: { ...common, db: dbs.order, events: wiring.events.order },
      notification: { ...common, db: dbs.notification, contacts: wiring.contacts(dbs), delivery: opts.delivery ?? logChannel() },
    };

    const app = (service: ServiceName) =>
      createServiceApp({ service, metrics: metrics[service], logLevel: opts.logLevel, overload: opts.overload, health: () => wiring.health(service) });
    const apps: Record<ServiceName, ServiceApp> = {
      auth: await app('auth'),
      billing: await app('billing'),
      order: await app('order'),
      notification: await app('notification'),
    };
    authRoutes(apps.auth, { deps: deps.auth, guards, publicJwk: keys.publicJwk, onRegistered: wiring.onRegistered });
    billingRoutes(apps.billing, { deps: deps.billing, guards });
    orderRoutes(apps.order, { deps: deps.order, guards, settle: wiring.settle(deps.order) });
    notificationRoutes(apps.notification, { deps: deps.notification, guards });

    // Consumers start before the services listen; a read-back that comes too early is retried.
    await wiring.start(deps);
    cleanups.push(() => wiring.stop());
    for (const service of SERVICES) {
      directory[service] = await apps[service].listen({ host, port: 0 });
      cleanups.push(() => apps[service].close());
    }
    const services = directory as Record<ServiceName, string>;

    const gateway: FastifyInstance = await buildGateway({
      style: opts.style,
      logLevel: opts.logLevel,
      overload: opts.overload,
      upstreams: services,
      health: async () => Object.fromEntries(await Promise.all(SERVICES.map(async (s) => [s, await probe(services[s])]))),
      metrics: {
        json: () => Promise.all(SERVICES.map((s) => metrics[s].registry.getMetricsAsJSON())).then((all) => all.flat()),
        // Each registry labels its series with its service, so aggregating keeps them apart.
        text: async () =>
          AggregatorRegistry.aggregate(await Promise.all(SERVICES.map((s) => metrics[s].registry.getMetricsAsJSON()))).metrics(),
      },
    });
    const url = await gateway.listen({ host, port: opts.port ?? 0 });
    // The gateway stops first, so no new request reaches a service that is closing.
    cleanups.push(() => gateway.close());

    return { style: opts.style, url, services, metrics, apps, dataDir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Streams and subjects of this system are prefixed, so systems can share a NATS server. A kept data
 * directory keeps its namespace (and so its durable consumers) across restarts; a temporary one
 * gets a fresh namespace whose streams are removed on stop.
 */
async function busNamespace(dataDir: string, temporary: boolean): Promise<{ namespace: string; ephemeral: boolean }> {
  const fresh = `ip${randomBytes(4).toString('hex')}`;
  if (temporary) return { namespace: fresh, ephemeral: true };
  const file = join(dataDir, 'bus-namespace');
  try {
    return { namespace: (await readFile(file, 'utf8')).trim(), ephemeral: false };
  } catch {
    await writeFile(file, `${fresh}\n`);
    return { namespace: fresh, ephemeral: false };
  }
}

/** ms; /health must answer promptly even when a service hangs */
const PROBE_TIMEOUT_MS = 1000;

async function probe(baseUrl: string): Promise<Record<string, unknown>> {
  try {
    const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return res.ok ? ((await res.json()) as Record<string, unknown>) : { status: 'down', httpStatus: res.status };
  } catch {
    return { status: 'down' };
  }
}
