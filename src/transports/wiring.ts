import type { Kysely } from 'kysely';
import type { AuthDB, AuthEvent, User } from '../services/auth/index.ts';
import type { BillingDB, BillingDeps, BillingEvent } from '../services/billing/index.ts';
import type { EventSink } from '../services/kernel/index.ts';
import type { ContactDirectory, NotificationDB, NotificationDeps } from '../services/notification/index.ts';
import type { Order, OrderDB, OrderDeps, OrderEvent } from '../services/order/index.ts';
import type { ServiceMetrics } from '../platform/metrics.ts';
import type { InternalApis } from './rest/clients.ts';
import type { CallContext } from './rest/guards.ts';

export const STYLES = ['rest', 'notification', 'collaboration'] as const;
export type Style = (typeof STYLES)[number];

export const SERVICES = ['auth', 'billing', 'order', 'notification'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface Databases {
  readonly auth: Kysely<AuthDB>;
  readonly billing: Kysely<BillingDB>;
  readonly order: Kysely<OrderDB>;
  readonly notification: Kysely<NotificationDB>;
}

/** What a style gets from the runtime to wire itself. */
export interface WiringContext {
  readonly dbs: Databases;
  readonly metrics: Readonly<Record<ServiceName, ServiceMetrics>>;
  /** internal HTTP calls as made by (and counted for) one service */
  readonly apis: (caller: ServiceName) => InternalApis;
  /** pino level of the services' own logs */
  readonly logLevel?: string;
  /** the broker of the event styles */
  readonly bus?: {
    readonly url: string;
    /** prefixes streams and subjects of this system */
    readonly namespace: string;
    /** remove the streams on stop */
    readonly ephemeral: boolean;
  };
}

/** The use-case dependencies of all four services, once the style's sinks are in place. */
export interface ServiceDeps {
  readonly billing: BillingDeps;
  readonly order: OrderDeps;
  readonly notification: NotificationDeps;
}

/**
 * How one interaction style composes the same use cases: where they record events,
 * what registration and ordering set off, where contact data comes from, and what runs
 * in the background (event consumers, outbox relays).
 */
export interface StyleWiring {
  readonly events: {
    readonly auth: EventSink<AuthDB, AuthEvent>;
    readonly billing: EventSink<BillingDB, BillingEvent>;
    readonly order: EventSink<OrderDB, OrderEvent>;
  };
  readonly onRegistered: (user: User, ctx: CallContext) => Promise<void>;
  readonly settle: (deps: OrderDeps) => (order: Order, ctx: CallContext) => Promise<Order>;
  readonly contacts: (dbs: Databases) => ContactDirectory;
  /** starts consumers and relays; called once the services listen */
  start(deps: ServiceDeps): Promise<void>;
  stop(): Promise<void>;
  /** facts for each service's /health */
  health(service: ServiceName): Record<string, unknown>;
}
