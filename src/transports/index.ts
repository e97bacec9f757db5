import { restWiring } from './rest/wiring.ts';
import type { Style, StyleWiring, WiringContext } from './wiring.ts';

export function wiringFor(style: Style): (ctx: WiringContext) => StyleWiring {
  switch (style) {
    case 'rest':
      return restWiring;
    case 'notification':
    case 'collaboration':
      throw new Error(`the ${style} style is not wired yet`);
  }
}
export { STYLES, SERVICES } from './wiring.ts';
export type { Style, ServiceName } from './wiring.ts';
