import { collaborationWiring } from './collaboration/wiring.ts';
import { notificationWiring } from './notification/wiring.ts';
import { restWiring } from './rest/wiring.ts';
import type { Style, StyleWiring, WiringContext } from './wiring.ts';

export function wiringFor(style: Style): (ctx: WiringContext) => StyleWiring {
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
export type { Style, ServiceName } from './wiring.ts';
