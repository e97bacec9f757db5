import type { AuthEvent } from '../../services/auth/index.ts';
import type { BillingEvent } from '../../services/billing/index.ts';
import type { ContactDirectory } from '../../services/notification/index.ts';
import type { OrderEvent } from '../../services/order/index.ts';
import type { ServiceName } from '../../model/style.ts';
import type { DepsOf, ServiceWiring, WiringContext } from '../wiring.ts';
import type { EventHandler } from '../../platform/events/index.ts';
import { eventBus, type ConsumerDeclaration, type OutgoingMessage, type Subscription } from './bus.ts';

/** One durable consumer of a service: what it takes, and its handler given the service's use cases and outgoing calls. */
export interface SubscriptionSpec<S extends ServiceName> extends ConsumerDeclaration {
  readonly check: Subscription<unknown>['check'];
  readonly handler: (deps: DepsOf[S], ctx: WiringContext, durable: string) => EventHandler<any>;
}

/** The consumers of each service. */
type SubscriptionsOf = { readonly [S in ServiceName]?: readonly SubscriptionSpec<S>[] };

/** What tells the two event styles apart: what goes on the wire, and who consumes it how. */
export interface EventStyle {
  readonly name: string;
  readonly encode: {
    readonly auth: (event: AuthEvent) => OutgoingMessage;
    readonly billing: (event: BillingEvent) => OutgoingMessage;
    readonly order: (event: OrderEvent) => OutgoingMessage;
  };
  readonly contacts: (ctx: WiringContext) => ContactDirectory;
  readonly subscriptions: SubscriptionsOf;
}

/** Services whose use cases record events, and so have an outbox and a relay. */
const PUBLISHERS: ReadonlySet<ServiceName> = new Set(['auth', 'billing', 'order']);

/**
 * An event style, for one service: its use cases append to its outbox, its relay publishes,
 * its consumers apply. Requests answer at once (the order is `pending`); registration and
 * payment follow from events.
 */
export function eventStyleWiring(style: EventStyle): (ctx: WiringContext) => ServiceWiring {
  const consumers = Object.values(style.subscriptions).flatMap((specs) =>
    (specs as readonly ConsumerDeclaration[]).map(({ durable, source, subject }) => ({ durable, source, subject })),
  );
  return (ctx) => {
    if (!ctx.bus) throw new Error(`the ${style.name} style needs a NATS server`);
    const bus = eventBus({
      ...ctx.bus,
      service: ctx.service,
      db: ctx.db,
      publishes: PUBLISHERS.has(ctx.service),
      consumers,
      metrics: ctx.metrics,
      logLevel: ctx.logLevel,
      ...(ctx.replica ? { replica: ctx.replica } : {}),
    });
    return {
      events: {
        auth: bus.publisher(style.encode.auth),
        billing: bus.publisher(style.encode.billing),
        order: bus.publisher(style.encode.order),
      },
      onRegistered: async () => {},
      settle: () => async (order) => order,
      contacts: () => style.contacts(ctx),
      async start(deps) {
        const specs = (style.subscriptions[ctx.service] ?? []) as readonly SubscriptionSpec<typeof ctx.service>[];
        for (const { handler, ...spec } of specs) bus.subscribe({ ...spec, handler: handler(deps as never, ctx, spec.durable) });
        await bus.start();
      },
      stop: () => bus.stop(),
      health: () => bus.health(),
    };
  };
}
