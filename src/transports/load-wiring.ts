import type { Style } from '../model/style.ts';
import type { ServiceWiring, WiringContext } from './wiring.ts';

/**
 * wiringFor (transports/index.ts), importing only the style asked for: a REST service process then never
 * loads the NATS client the event styles need.
 */
export async function loadWiring(style: Style): Promise<(ctx: WiringContext) => ServiceWiring> {
  switch (style) {
    case 'rest':
      return (await import('./rest/wiring.ts')).restWiring;
    case 'notification':
      return (await import('./notification/wiring.ts')).notificationWiring;
    case 'collaboration':
      return (await import('./collaboration/wiring.ts')).collaborationWiring;
  }
}
