import { DomainError } from '../kernel/index.ts';

export type NotificationErrorCode = 'NOTIFICATION.CONTACT_UNKNOWN' | 'NOTIFICATION.ORDER_NOT_FINAL' | 'NOTIFICATION.INVALID_CURSOR';
export type NotificationError = DomainError<NotificationErrorCode>;

export const contactUnknown = (userId: string): NotificationError =>
  new DomainError('NOTIFICATION.CONTACT_UNKNOWN', `No contact data for user ${userId} yet.`);
export const orderNotFinal = (orderId: string): NotificationError =>
  new DomainError('NOTIFICATION.ORDER_NOT_FINAL', `Order ${orderId} is still pending; there is nothing to tell yet.`);
export const invalidCursor = (): NotificationError =>
  new DomainError('NOTIFICATION.INVALID_CURSOR', 'The cursor was not issued by GET /notifications; start again without one.');
