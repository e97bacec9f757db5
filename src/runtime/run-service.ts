import type { DeliveryChannel } from '../services/notification/index.ts';
import type { OverloadLimits } from '../platform/http/overload.ts';
import type { ServiceName, Style } from '../model/style.ts';
import type { BusConfig } from '../transports/index.ts';
import type { ProcessKind } from './peers.ts';
import type { StoreSelection } from '../platform/store/config.ts';
import type { Limits } from './limits.ts';

export interface ProcessConfig {
  readonly kind: ProcessKind;
  readonly style: Style;
  readonly host: string;
  readonly port: number;
  /** the service's own data directory; unused by the gateway */
  readonly dataDir?: string;
  /** base URLs of the peers it calls, one per replica */
  readonly peers: Readonly<Partial<Record<ServiceName, readonly string[]>>>;
  readonly bus?: BusConfig;
  readonly serviceSecret: string;
  readonly delivery?: DeliveryChannel;
  readonly logLevel?: string;
  readonly overload?: OverloadLimits;
  readonly instance?: { readonly replica: number; readonly restarts: number };
  /** a service's limits; default DEFAULT_LIMITS */
  readonly limits?: Limits;
  /** proxies whose X-Forwarded-For is believed; default: the gateway none, a service loopback and private addresses */
  readonly trustProxy?: readonly string[];
  /** where the service keeps its tables; default SQLite in its data directory */
  readonly store?: StoreSelection;
}

export interface RunningProcess {
  readonly url: string;
  stop(): Promise<void>;
}

/** Runs one service, or the gateway, in this process: what `interplay service NAME` serves. */
export async function runProcess(config: ProcessConfig): Promise<RunningProcess> {
  if (config.kind === 'gateway') {
    // Only the gateway forwards: a service process does not load its routes and pools.
    const { buildGateway } = await import('../transports/http/gateway.ts');
    const need = (s: ServiceName) => config.peers[s] ?? [];
    const gateway = await buildGateway({
      style: config.style,
      logLevel: config.logLevel,
      overload: config.overload,
      trustProxy: config.trustProxy,
      upstreams: { auth: need('auth'), billing: need('billing'), order: need('order'), notification: need('notification') },
      self: config.instance,
      // Set by the processes topology when it runs links: their /health, listed with the processes.
      links: process.env['INTERPLAY_LINK_STATUS']?.split(',').filter(Boolean),
    });
    const url = await gateway.listen({ host: config.host, port: config.port });
    return { url, stop: () => gateway.close() };
  }
  if (!config.dataDir) throw new Error(`the ${config.kind} service needs a data directory`);
  // Only a service composes one: the gateway does not load the services, their stores and kysely.
  const { composeService } = await import('./service.ts');
  const service = await composeService({
    name: config.kind,
    style: config.style,
    dataDir: config.dataDir,
    peers: config.peers,
    bus: config.bus,
    serviceSecret: config.serviceSecret,
    delivery: config.delivery,
    logLevel: config.logLevel,
    overload: config.overload,
    instance: config.instance,
    limits: config.limits,
    trustProxy: config.trustProxy,
    store: config.store,
  });
  try {
    const url = await service.listen(config.host, config.port);
    return { url, stop: () => service.stop() };
  } catch (error) {
    await service.stop();
    throw error;
  }
}
