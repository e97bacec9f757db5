import { collaborationWiring } from './collaboration/wiring.ts';
import { notificationWiring } from './notification/wiring.ts';
import { restWiring } from './rest/wiring.ts';
import type { ServiceWiring, Style, WiringContext } from './wiring.ts';

export function wiringFor(style: Style): (ctx: WiringContext) => ServiceWiring {
  switch (style) {
    case 'rest':
      return restWiring;
    case 'notification':
      return notificationWiring;
    case 'collaboration':
      return collaborationWiring;
  }
}
export { STYLES, SERVICES } from './wiring.ts';
export type { Style, ServiceName, ServiceWiring, WiringContext, DepsOf, BusConfig } from './wiring.ts';
