export { analyseCoupling, dependencyGraph } from './coupling.ts';
export { hopsOf, OUTSIDE } from './hops.ts';
export { orderPaths } from './order-path.ts';
export { relativeCoupling, structuralCoupling } from './indices.ts';
export { mermaidFlowchart, mermaidSequence } from './mermaid.ts';

export type { CouplingReport, Martin, ServiceCoupling } from './coupling.ts';
export type { AsyncEdge, DependencyGraph, SyncEdge } from './graph.ts';
export type { Hop } from './hops.ts';
export type { Milestone, OrderPaths, PathOptions } from './order-path.ts';
export type { PairCoupling, RelativeCoupling } from './indices.ts';

export { checkInvariants } from './invariants.ts';
export { checkerToken, collectState, readList } from './collect-state.ts';
export { renderAnomalies } from './anomalies.ts';
export { isSettled, settle } from './settle.ts';
export type { Anomaly, AnomalyFact, AnomalyType } from './anomalies.ts';
export type { SettleOptions } from './settle.ts';
export type { CollectOptions } from './collect-state.ts';
export type {
  AcknowledgedDeposit,
  AcknowledgedOrder,
  DepositRecord,
  Expectations,
  KeyedRequest,
  NotificationRecord,
  OrderRecord,
  PaymentRecord,
  SystemState,
  UserState,
} from './system-state.ts';
export { CEILING_MODEL, ceilingOf, EDGE_HTTP_PER_ORDER, heldRateOf, hopsOfRun, KNOWN_HOPS, knownCeilings, withCeiling } from './ceiling.ts';
export type { Ceiling, OrderHops } from './ceiling.ts';
