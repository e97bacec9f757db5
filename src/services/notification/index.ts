export { notificationMessage, notifyOrderOutcome } from './notify-order-outcome.ts';
export type { OrderOutcome } from './notify-order-outcome.ts';
export { rememberContact, localContacts } from './contacts.ts';
export { listNotifications } from './list-notifications.ts';
export type { Contact, ContactDirectory, DeliveryChannel, LookupContext, Notification, NotificationDeps } from './notification.ts';
export { notificationMigrations } from './schema.ts';
export type { NotificationDB } from './schema.ts';
export type { NotificationError, NotificationErrorCode } from './errors.ts';
