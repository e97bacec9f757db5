import pino from 'pino';
import { noEvents } from '../../services/kernel/index.ts';
import type { OrderDeps } from '../../services/order/index.ts';
import { logDestination } from '../../platform/logs.ts';
import type { ServiceName } from '../../model/style.ts';
import type { DepsOf, ServiceWiring, WiringContext } from '../wiring.ts';
import { openAccountOnRegistration, payAndNotify } from './choreography.ts';
import { httpContacts } from '../http/clients.ts';
import { startRecoverySweep, type RecoverySweep } from './recovery-sweep.ts';

/** The RESTful style: no events; every follow-up is a synchronous call. The order service sweeps for settlements a crash left half-way. */
export function restWiring(ctx: WiringContext): ServiceWiring {
  let sweep: RecoverySweep | undefined;
  return {
    events: { auth: noEvents, billing: noEvents, order: noEvents },
    onRegistered: openAccountOnRegistration(ctx.apis),
    settle: (deps) => {
      const settle = payAndNotify(deps, ctx.apis);
      return (order, call) => {
        sweep?.wake(); // the sweep watches over it until it has settled
        return settle(order, call);
      };
    },
    contacts: () => httpContacts(ctx.apis),
    start: async (deps: DepsOf[ServiceName]) => {
      if (ctx.service !== 'order') return;
      const log = pino({ base: { component: 'recovery-sweep', service: ctx.service }, level: ctx.logLevel ?? 'warn' }, logDestination());
      sweep = startRecoverySweep({ deps: deps as OrderDeps, apis: ctx.apis, log });
    },
    stop: async () => {
      await sweep?.stop();
    },
    health: () => ({}),
  };
}
