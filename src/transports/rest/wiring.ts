import { noEvents } from '../../services/kernel/index.ts';
import type { StyleWiring, WiringContext } from '../wiring.ts';
import { openAccountOnRegistration, payAndNotify } from './choreography.ts';
import { httpContacts } from './clients.ts';

/** The RESTful style: no events; every follow-up is a synchronous call. */
export function restWiring(ctx: WiringContext): StyleWiring {
  const order = ctx.apis('order');
  return {
    events: { auth: noEvents, billing: noEvents, order: noEvents },
    onRegistered: openAccountOnRegistration(ctx.apis('auth')),
    settle: (deps) => payAndNotify(deps, order),
    contacts: () => httpContacts(ctx.apis('notification')),
    start: async () => {},
    stop: async () => {},
    health: () => ({}),
  };
}
