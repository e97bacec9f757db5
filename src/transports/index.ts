export { loadWiring } from './load-wiring.ts';
export { STYLES, SERVICES } from './wiring.ts';
export type { Style, ServiceName, ServiceWiring, WiringContext, DepsOf, BusConfig } from './wiring.ts';
