import type { AuthEvent } from '../../services/auth/index.ts';
import type { BillingEvent } from '../../services/billing/index.ts';
import type { ContactDirectory } from '../../services/notification/index.ts';
import type { OrderEvent } from '../../services/order/index.ts';
import type { Databases, ServiceDeps, StyleWiring, WiringContext } from '../wiring.ts';
import { eventBus, type OutgoingMessage, type Subscription } from './bus.ts';

/** What tells the two event styles apart: what goes on the wire, and who consumes it how. */
export interface EventStyle {
  readonly name: string;
  readonly encode: {
    readonly auth: (event: AuthEvent) => OutgoingMessage;
    readonly billing: (event: BillingEvent) => OutgoingMessage;
    readonly order: (event: OrderEvent) => OutgoingMessage;
  };
  readonly contacts: (ctx: WiringContext, dbs: Databases) => ContactDirectory;
  readonly subscriptions: (deps: ServiceDeps, ctx: WiringContext) => readonly Subscription<any>[];
}

/**
 * An event style: use cases append to their outbox, relays publish, consumers apply. Requests
 * answer at once (the order is `pending`); registration and payment follow from events.
 */
export function eventStyleWiring(style: EventStyle): (ctx: WiringContext) => StyleWiring {
  return (ctx) => {
    if (!ctx.bus) throw new Error(`the ${style.name} style needs a NATS server`);
    const bus = eventBus({ ...ctx.bus, metrics: ctx.metrics, databases: Object.values(ctx.dbs), logLevel: ctx.logLevel });
    return {
      events: {
        auth: bus.publisher('auth', ctx.dbs.auth, style.encode.auth),
        billing: bus.publisher('billing', ctx.dbs.billing, style.encode.billing),
        order: bus.publisher('order', ctx.dbs.order, style.encode.order),
      },
      onRegistered: async () => {},
      settle: () => async (order) => order,
      contacts: (dbs) => style.contacts(ctx, dbs),
      async start(deps) {
        for (const subscription of style.subscriptions(deps, ctx)) bus.subscribe(subscription);
        await bus.start();
      },
      stop: () => bus.stop(),
      health: (service) => bus.health(service),
    };
  };
}
