export { ok, err } from './result.ts';
export type { Result } from './result.ts';
export { DomainError } from './errors.ts';
export { withTx } from './tx.ts';
export { noEvents } from './ports.ts';
export type { Clock, Ids, EventSink, UnitOfWork } from './ports.ts';
export { MAX_AMOUNT, CURRENCY, isAmount, formatMoney } from './money.ts';
export { systemClock, uuidV7 } from './system.ts';
