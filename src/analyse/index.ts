export { analyseCoupling, dependencyGraph } from './coupling.ts';
export { hopsOf, OUTSIDE } from './hops.ts';
export { orderPaths } from './order-path.ts';
export { relativeCoupling, structuralCoupling } from './indices.ts';
export { mermaidFlowchart, mermaidSequence } from './mermaid.ts';

export type { AsyncEdge, CouplingReport, DependencyGraph, Martin, ServiceCoupling, SyncEdge } from './coupling.ts';
export type { Hop } from './hops.ts';
export type { Milestone, OrderPaths, PathOptions } from './order-path.ts';
export type { PairCoupling, RelativeCoupling } from './indices.ts';
export { CEILING_MODEL, ceilingOf, EDGE_HTTP_PER_ORDER, heldRateOf, hopsOfRun, KNOWN_HOPS, knownCeilings, withCeiling } from './ceiling.ts';
export type { Ceiling, OrderHops } from './ceiling.ts';
