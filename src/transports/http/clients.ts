import type { Payment } from '../../services/billing/index.ts';
import type { Order } from '../../services/order/index.ts';
import type { Contact, ContactDirectory, OrderOutcome } from '../../services/notification/index.ts';
import type { ServiceMetrics } from '../../platform/metrics.ts';
import { serviceClient, type ServiceClient, type ServiceDirectory } from '../../platform/http/client.ts';
import type { CallContext } from './guards.ts';
import type { UserBody } from './schemas.ts';

/** Typed calls to the services' internal routes, as one caller makes them (and is counted for). */
export interface InternalApis {
  readonly auth: { getUser(id: string, ctx: CallContext): Promise<UserBody | undefined> };
  readonly billing: {
    openAccount(userId: string, ctx: CallContext): Promise<void>;
    pay(request: { orderId: string; userId: string; amount: number }, ctx: CallContext): Promise<Payment>;
    getPayment(orderId: string, ctx: CallContext): Promise<Payment | undefined>;
    decline(request: { orderId: string; userId: string; amount: number }, ctx: CallContext): Promise<Payment>;
  };
  readonly order: { getOrder(id: string, ctx: CallContext): Promise<Order | undefined> };
  readonly notification: { notify(outcome: OrderOutcome, ctx: CallContext): Promise<void> };
  close(): Promise<void>;
}

export interface ApiOptions {
  readonly caller: ServiceMetrics;
  readonly directory: ServiceDirectory;
  readonly token: () => Promise<string>;
}

class UnexpectedAnswer extends Error {
  constructor(target: string, route: string, status: number) {
    super(`${target} answered ${status} to ${route}`);
    this.name = 'UnexpectedAnswer';
  }
}

/** A 404 is an answer ("not there yet"); any other non-2xx status is a bug in the caller. */
async function fetchOne<T>(client: ServiceClient, route: string, params: Record<string, string>, ctx: CallContext) {
  const answer = await client.get<T>({ route, params, traceparent: ctx.traceparent });
  if (answer.status === 404) return undefined;
  if (answer.status !== 200) throw new UnexpectedAnswer(client.target, route, answer.status);
  return answer.body;
}

async function send<T>(client: ServiceClient, route: string, body: unknown, ctx: CallContext): Promise<T> {
  const answer = await client.post<T>({ route, body, traceparent: ctx.traceparent });
  if (answer.status !== 200 && answer.status !== 201) throw new UnexpectedAnswer(client.target, route, answer.status);
  return answer.body;
}

export function internalApis(opts: ApiOptions): InternalApis {
  const clients = new Map<string, ServiceClient>();
  const to = (target: string): ServiceClient => {
    let client = clients.get(target);
    if (!client) {
      client = serviceClient({ caller: opts.caller, target, directory: opts.directory, token: opts.token });
      clients.set(target, client);
    }
    return client;
  };
  return {
    auth: { getUser: (id, ctx) => fetchOne(to('auth'), '/internal/users/:id', { id }, ctx) },
    billing: {
      openAccount: async (userId, ctx) => void (await send(to('billing'), '/internal/accounts', { userId }, ctx)),
      pay: (request, ctx) => send(to('billing'), '/internal/payments', request, ctx),
      getPayment: (orderId, ctx) => fetchOne(to('billing'), '/internal/payments/:orderId', { orderId }, ctx),
      decline: (request, ctx) => send(to('billing'), '/internal/payments/declined', request, ctx),
    },
    order: { getOrder: (id, ctx) => fetchOne(to('order'), '/internal/orders/:id', { id }, ctx) },
    notification: {
      notify: async (outcome, ctx) => void (await send(to('notification'), '/internal/notifications', outcome, ctx)),
    },
    close: async () => {
      await Promise.all([...clients.values()].map((c) => c.close()));
    },
  };
}

/** The contact directory of the RESTful and event-notification styles: ask auth every time. */
export function httpContacts(apis: InternalApis): ContactDirectory {
  return {
    async find(userId, _db, ctx): Promise<Contact | undefined> {
      const user = await apis.auth.getUser(userId, { traceparent: ctx?.traceparent ?? '' });
      return user ? { userId: user.id, email: user.email, name: user.name } : undefined;
    },
  };
}
