import { noEvents } from '../../services/kernel/index.ts';
import type { ServiceWiring, WiringContext } from '../wiring.ts';
import { openAccountOnRegistration, payAndNotify } from './choreography.ts';
import { httpContacts } from './clients.ts';

/** The RESTful style: no events; every follow-up is a synchronous call. */
export function restWiring(ctx: WiringContext): ServiceWiring {
  return {
    events: { auth: noEvents, billing: noEvents, order: noEvents },
    onRegistered: openAccountOnRegistration(ctx.apis),
    settle: (deps) => payAndNotify(deps, ctx.apis),
    contacts: () => httpContacts(ctx.apis),
    start: async () => {},
    stop: async () => {},
    health: () => ({}),
  };
}
