import type { Kysely } from 'kysely';
import type { Clock, EventSink, Ids } from '../kernel/index.ts';
import type { OrderDB, OrderStatus, OrdersTable } from './schema.ts';

export interface OrderLine {
  readonly sku: string;
  readonly quantity: number;
}

export interface Order {
  readonly id: string;
  readonly userId: string;
  /** minor units */
  readonly amount: number;
  readonly items?: OrderLine[];
  readonly status: OrderStatus;
  readonly version: number;
  readonly createdAt: string;
}

export type OrderEvent =
  | { readonly type: 'order.created'; readonly order: Order }
  | { readonly type: 'order.finished'; readonly order: Order };

export interface OrderDeps {
  readonly db: Kysely<OrderDB>;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly events: EventSink<OrderDB, OrderEvent>;
}

export function toOrder(row: OrdersTable): Order {
  const order = {
    id: row.id,
    userId: row.user_id,
    amount: row.amount,
    status: row.status,
    version: row.version,
    createdAt: new Date(row.created_at).toISOString(),
  };
  return row.items === null ? order : { ...order, items: JSON.parse(row.items) as OrderLine[] };
}
