export { loadWiring } from './load-wiring.ts';
export type { ServiceWiring, WiringContext, DepsOf, BusConfig } from './wiring.ts';
