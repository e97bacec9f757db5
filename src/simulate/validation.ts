import type { Style } from '../model/style.ts';

/** One point of `simulate --validate`: what the model predicted and what the system did. */
export interface ValidationRow {
  readonly style: Style;
  readonly rate: number;
  readonly latencyMs: number;
  readonly measured: { readonly held: number; readonly p50: number; readonly p99: number };
  readonly predicted: { readonly held: number; readonly p50: number; readonly p99: number };
}

/** the targets the model is held to: held rate ±20 %, completion p50 ±25 %, p99 ±50 % */
export const TARGETS = { held: 0.2, p50: 0.25, p99: 0.5 } as const;
