import type { Kysely } from 'kysely';
import type { AuthDB, AuthDeps, AuthEvent, User } from '../services/auth/index.ts';
import type { BillingDB, BillingDeps, BillingEvent } from '../services/billing/index.ts';
import type { EventSink } from '../services/kernel/index.ts';
import type { ContactDirectory, NotificationDeps } from '../services/notification/index.ts';
import type { Order, OrderDB, OrderDeps, OrderEvent } from '../services/order/index.ts';
import type { ServiceMetrics } from '../platform/metrics.ts';
import type { InternalApis } from './http/clients.ts';
import type { CallContext } from './http/guards.ts';
import type { ServiceName } from '../model/style.ts';


/** The use-case dependencies of each service. */
export interface DepsOf {
  readonly auth: AuthDeps;
  readonly billing: BillingDeps;
  readonly order: OrderDeps;
  readonly notification: NotificationDeps;
}

/** The broker of the event styles, as one service process sees it. */
export interface BusConfig {
  readonly url: string;
  /** prefixes streams and subjects of this system, so systems can share a server */
  readonly namespace: string;
  /**
   * replicas of every stream and consumer: 3 on a cluster of 3 or 5, so a stream keeps its quorum
   * when one node is lost; default 1 (one copy, the server's default)
   */
  readonly replicas?: number;
}

/** What a style gets to wire one service: that service's own database, metrics and outgoing calls. */
export interface WiringContext<S extends ServiceName = ServiceName> {
  readonly service: S;
  readonly db: Kysely<any>;
  readonly metrics: ServiceMetrics;
  /** internal HTTP calls made by (and counted for) this service */
  readonly apis: InternalApis;
  /** pino level of the service's own logs */
  readonly logLevel?: string;
  readonly bus?: BusConfig;
  /** which replica of the service this process is (1-based); its restarts keep the number */
  readonly replica?: number;
}

/**
 * One service's share of an interaction style: where its use cases record events, what
 * registration and ordering set off, where contact data comes from, and what runs in the
 * background (its event consumers and its outbox relay). Each part is used by the service it names.
 */
export interface ServiceWiring {
  readonly events: {
    readonly auth: EventSink<AuthDB, AuthEvent>;
    readonly billing: EventSink<BillingDB, BillingEvent>;
    readonly order: EventSink<OrderDB, OrderEvent>;
  };
  /** auth: what registration sets off; when it throws, the registration is undone */
  readonly onRegistered: (user: User, ctx: CallContext) => Promise<void>;
  /** order: what follows a placed order before POST /orders answers */
  readonly settle: (deps: OrderDeps) => (order: Order, ctx: CallContext) => Promise<Order>;
  /** notification: where contact data comes from */
  readonly contacts: () => ContactDirectory;
  /** starts this service's consumers and relay; called before the service listens */
  start(deps: DepsOf[ServiceName]): Promise<void>;
  stop(): Promise<void>;
  /** facts for the service's /health */
  health(): Record<string, unknown>;
}
