import { mkdir } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import { argon2idHasher, authMigrations, tokenIssuer, type PasswordHasher } from '../services/auth/index.ts';
import { billingMigrations } from '../services/billing/index.ts';
import { systemClock, uuidV7 } from '../services/kernel/index.ts';
import { notificationMigrations, type DeliveryChannel } from '../services/notification/index.ts';
import { orderMigrations } from '../services/order/index.ts';
import pino from 'pino';
import { migrate, openStore, storeFor, type StoreSelection } from '../platform/store/index.ts';
import { logDestination } from '../platform/logs.ts';
import { createServiceApp, type ServiceApp } from '../platform/http/app.ts';
import type { OverloadLimits } from '../platform/http/overload.ts';
import type { ServiceDirectory } from '../platform/http/client.ts';
import { requireToken } from '../platform/http/tokens.ts';
import { serviceMetrics, type ServiceMetrics } from '../platform/metrics.ts';
import { logChannel } from './delivery/log.ts';
import { authRoutes } from '../transports/http/auth.routes.ts';
import { billingRoutes } from '../transports/http/billing.routes.ts';
import { internalApis } from '../transports/http/clients.ts';
import { notificationRoutes } from '../transports/http/notification.routes.ts';
import { orderRoutes } from '../transports/http/order.routes.ts';
import { thrownDomainProblem } from '../transports/http/domain-problem.ts';
import type { ServiceName, Style } from '../model/style.ts';
import type { BusConfig } from '../transports/index.ts';
import { loadWiring } from '../transports/load-wiring.ts';
import { jwksUserPolicy, loadOrCreateSigningKeys, localUserPolicy, serviceCredentials } from './identity.ts';
import { countedHasher } from './counted-hasher.ts';
import { DEFAULT_LIMITS, type Limits } from './limits.ts';

export interface ServiceConfig {
  readonly name: ServiceName;
  readonly style: Style;
  /** this service's own directory: its database, and auth's signing key */
  readonly dataDir: string;
  /** where its peers listen; read on every call, so it may change at run time */
  readonly peers: ServiceDirectory;
  /** the broker of the event styles */
  readonly bus?: BusConfig;
  /** the shared service-to-service credential */
  readonly serviceSecret: string;
  /** notification: how notifications reach users; default one JSON line each on stdout */
  readonly delivery?: DeliveryChannel;
  /** auth: default argon2id with OWASP parameters */
  readonly hasher?: PasswordHasher;
  /** pino level of the service's own logs; default 'warn' */
  readonly logLevel?: string;
  /** when the service sheds new requests with 503; default DEFAULT_OVERLOAD_LIMITS */
  readonly overload?: OverloadLimits;
  /** who this process is, for /health: its replica number and how often it was restarted */
  readonly instance?: { readonly replica: number; readonly restarts: number };
  /** login, registration and order limits (docs/limits.md); default DEFAULT_LIMITS */
  readonly limits?: Limits;
  /** proxies whose X-Forwarded-For names the client; default DEFAULT_TRUSTED_PROXIES (loopback, private) */
  readonly trustProxy?: readonly string[];
  /** where its tables live; default SQLite, `<dataDir>/<name>.sqlite` */
  readonly store?: StoreSelection;
}

export interface ComposedService {
  readonly name: ServiceName;
  /** the service's Fastify app (built, not listening), for tests that inject requests */
  readonly app: ServiceApp;
  readonly metrics: ServiceMetrics;
  /** listens, after starting the service's consumers and relay; resolves to the base URL */
  listen(host: string, port: number): Promise<string>;
  /** stops taking requests, then stops consumers and relay, then closes the database */
  stop(): Promise<void>;
}

const MIGRATIONS = { auth: authMigrations, billing: billingMigrations, order: orderMigrations, notification: notificationMigrations };

/**
 * One service and nothing else: its database, routes, share of the style's consumers and relays,
 * NATS connection, metrics and token checks. Every topology composes services with this.
 */
export async function composeService(config: ServiceConfig): Promise<ComposedService> {
  const { name } = config;
  await mkdir(config.dataDir, { recursive: true });
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const log = pino({ base: { component: 'store', service: name }, level: config.logLevel ?? 'warn' }, logDestination());
    const store = await openStore(storeFor(config.store ?? { kind: 'sqlite' }, name, config.dataDir), {
      // The pool drops the connection and opens another for the next query; nothing to do but say so.
      onIdleError: (error) => log.warn({ err: error.message }, 'an idle database connection failed; the pool reconnects on demand'),
    });
    const db: Kysely<any> = store.db;
    cleanups.push(() => store.close());
    await migrate(db, MIGRATIONS[name]);

    const credentials = serviceCredentials(config.serviceSecret);
    const metrics = serviceMetrics(name);
    const apis = internalApis({ caller: metrics, directory: config.peers, token: credentials.tokenFor(name) });
    cleanups.push(() => apis.close());
    const wiring = (await loadWiring(config.style))({ service: name, db, metrics, apis, bus: config.bus, logLevel: config.logLevel, ...(config.instance ? { replica: config.instance.replica } : {}) });

    const signingKeys = name === 'auth' ? await loadOrCreateSigningKeys(config.dataDir) : undefined;
    const userPolicy = signingKeys ? localUserPolicy(signingKeys) : jwksUserPolicy(() => firstUrl(config.peers, 'auth'));
    const guards = { user: requireToken(userPolicy), service: requireToken(credentials.policy) };
    const upSince = new Date().toISOString();
    const app = await createServiceApp({
      service: name,
      metrics,
      logLevel: config.logLevel,
      overload: config.overload,
      trustProxy: config.trustProxy,
      errorProblem: thrownDomainProblem,
      health: () => ({ pid: process.pid, ...config.instance, upSince, ...wiring.health() }),
    });
    cleanups.push(() => app.close());
    const common = { clock: systemClock, ids: uuidV7 };
    const limits = config.limits ?? DEFAULT_LIMITS;
    let deps;
    switch (name) {
      case 'auth': {
        const hasher = countedHasher(config.hasher ?? argon2idHasher, metrics.registry);
        const tokens = tokenIssuer(signingKeys!, systemClock.now);
        deps = { ...common, db, hasher, tokens, events: wiring.events.auth, ...(limits.login ? { loginLimits: limits.login } : {}) };
        authRoutes(app, { deps, guards, publicJwk: signingKeys!.publicJwk, onRegistered: wiring.onRegistered, limits });
        break;
      }
      case 'billing':
        deps = { ...common, db, events: wiring.events.billing };
        billingRoutes(app, { deps, guards });
        break;
      case 'order':
        deps = { ...common, db, events: wiring.events.order };
        orderRoutes(app, { deps, guards, settle: wiring.settle(deps), limits });
        break;
      case 'notification':
        deps = { ...common, db, contacts: wiring.contacts(), delivery: config.delivery ?? logChannel() };
        notificationRoutes(app, { deps, guards });
        break;
    }
    const started = deps;

    return {
      name,
      app,
      metrics,
      async listen(host, port) {
        // Consumers start before the service listens; a read-back that comes too early is retried.
        await wiring.start(started);
        cleanups.splice(2, 0, () => wiring.stop());
        return app.listen({ host, port });
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The first base URL the directory names for a service. */
export function firstUrl(directory: ServiceDirectory, service: string): string {
  const entry = directory[service];
  const url = typeof entry === 'string' ? entry : entry?.[0];
  if (!url) throw new Error(`no address for the ${service} service`);
  return url;
}
