import type { Style } from '../model/style.ts';

/**
 * Each style's order flow as the model runs it: who handles what, who calls whom and waits, who
 * publishes what for whom. Drawn from the observed graph (`interplay explain`: its synchronous and
 * asynchronous edges per order, test-checked against it), in the order the code does it.
 *
 * - `handle`: the root, CPU at a station, then its steps in order;
 * - `call`: a synchronous call from the current station: over the link, handled at `to` (CPU then
 *   its own steps), back over the link, then the caller goes on;
 * - `publish`: over the link to the broker (a station), then over the broker's link to the
 *   consumer, handled there; the publisher goes on at once (the outbox relay publishes after commit);
 * - `accept`: the gateway answers the client; `complete`: the user's notification is sent.
 */
export type Step =
  | { readonly do: 'call'; readonly to: string; readonly route: string; readonly then: readonly Step[] }
  | { readonly do: 'publish'; readonly subject: string; readonly consumer: string; readonly then: readonly Step[] }
  | { readonly do: 'accept' }
  | { readonly do: 'complete' };

export interface Flow {
  /** where an order enters */
  readonly entry: string;
  readonly steps: readonly Step[];
}

/** The broker's station name, as the graph names it. */
export const BROKER = 'nats';
export const GATEWAY = 'gateway';

const call = (to: string, route: string, ...then: Step[]): Step => ({ do: 'call', to, route, then });
const publish = (subject: string, consumer: string, ...then: Step[]): Step => ({ do: 'publish', subject, consumer, then });
const accept: Step = { do: 'accept' };
const complete: Step = { do: 'complete' };

export const FLOWS: Readonly<Record<Style, Flow>> = {
  // POST /orders pays, applies the outcome and has the user notified before the 201.
  rest: {
    entry: GATEWAY,
    steps: [
      call(
        'order',
        'POST /orders',
        call('billing', 'POST /internal/payments'),
        call('notification', 'POST /internal/notifications', call('auth', 'GET /internal/users/:id'), complete),
      ),
      accept,
    ],
  },
  // Thin events: each consumer reads the state it needs back over HTTP.
  notification: {
    entry: GATEWAY,
    steps: [
      call(
        'order',
        'POST /orders',
        publish(
          'orders.order.created',
          'billing',
          call('order', 'GET /internal/orders/:id'),
          publish(
            'billing.payment.changed',
            'order',
            call('billing', 'GET /internal/payments/:orderId'),
            publish('orders.order.changed', 'notification', call('order', 'GET /internal/orders/:id'), call('auth', 'GET /internal/users/:id'), complete),
          ),
        ),
      ),
      accept,
    ],
  },
  // Fat events: each consumer has what it needs in the event.
  collaboration: {
    entry: GATEWAY,
    steps: [
      call(
        'order',
        'POST /orders',
        publish('orders.order.created', 'billing', publish('billing.payment.completed', 'order', publish('orders.order.finished', 'notification', complete))),
      ),
      accept,
    ],
  },
};

/** The flow's synchronous edges (`from→to ROUTE`) and asynchronous ones (`publisher→subject→consumer`), once per order each. */
export function edgesOf(flow: Flow): { sync: string[]; async: string[] } {
  const sync: string[] = [];
  const async: string[] = [];
  const walk = (at: string, steps: readonly Step[]) => {
    for (const step of steps) {
      if (step.do === 'call') {
        sync.push(`${at}→${step.to} ${step.route}`);
        walk(step.to, step.then);
      } else if (step.do === 'publish') {
        async.push(`${at}→${step.subject}→${step.consumer}`);
        walk(step.consumer, step.then);
      }
    }
  };
  walk(flow.entry, flow.steps);
  return { sync: sync.sort(), async: async.sort() };
}

/** How many times each station handles something per order: a call's target, a message's consumer, the broker per message, the entry once. */
export function handlingsOf(flow: Flow): Record<string, number> {
  const counts: Record<string, number> = { [flow.entry]: 1 };
  const add = (station: string) => (counts[station] = (counts[station] ?? 0) + 1);
  const walk = (steps: readonly Step[]) => {
    for (const step of steps) {
      if (step.do === 'call') {
        add(step.to);
        walk(step.then);
      } else if (step.do === 'publish') {
        add(BROKER);
        add(step.consumer);
        walk(step.then);
      }
    }
  };
  walk(flow.steps);
  return counts;
}

/**
 * How many times per order bytes cross a link in the processes topology: a call between services twice
 * (there and back), a message twice (to the broker, from it); the gateway's calls are direct.
 */
export function linkCrossingsOf(flow: Flow): number {
  let crossings = 0;
  const walk = (at: string, steps: readonly Step[]) => {
    for (const step of steps) {
      if (step.do === 'call') {
        if (at !== GATEWAY) crossings += 2;
        walk(step.to, step.then);
      } else if (step.do === 'publish') {
        crossings += 2;
        walk(step.consumer, step.then);
      }
    }
  };
  walk(flow.entry, flow.steps);
  return crossings;
}
