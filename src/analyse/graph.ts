/** The observed dependency graph of one run: who called whom, and who processes whose messages. */

/** A synchronous dependency: `from` called `to` and waited for the answer. */
export interface SyncEdge {
  readonly from: string;
  readonly to: string;
  readonly calls: number;
  /** calls inside order traces per order; null when no order was observed */
  readonly perOrder: number | null;
  readonly routes: readonly { readonly method: string; readonly route: string; readonly calls: number; readonly perOrder: number | null }[];
}

/** An asynchronous dependency: `publisher` publishes `subject`, `consumer` (durable `durable`) processes it. */
export interface AsyncEdge {
  readonly publisher: string;
  readonly subject: string;
  readonly consumer: string;
  readonly durable: string;
  readonly broker: string;
  /** messages processed by this consumer */
  readonly consumed: number;
  readonly perOrder: number | null;
}

export interface DependencyGraph {
  /** services seen, sorted; the outside caller is not one */
  readonly services: readonly string[];
  readonly entries: readonly { readonly service: string; readonly method: string; readonly route: string; readonly calls: number }[];
  readonly sync: readonly SyncEdge[];
  readonly async: readonly AsyncEdge[];
}
