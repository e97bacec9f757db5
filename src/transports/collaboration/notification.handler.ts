import { notifyOrderOutcome, rememberContact, type NotificationDeps } from '../../services/notification/index.ts';
import type { EventHandler } from '../../platform/events/index.ts';
import { ACK, applyOnce, notYet } from '../events/once.ts';
import type { Needs } from './events.ts';

/** user.registered {user} → keep the contact data locally. */
export const rememberContactOnUserRegistered =
  (deps: NotificationDeps, durable: string): EventHandler<Needs['contact']> =>
  (event) =>
    applyOnce(deps.db, durable, event.id, async (trx) => {
      const { id, email, name } = event.data.user;
      await rememberContact({ ...deps, db: trx }, { userId: id, email, name });
      return ACK;
    });

/** order.finished {order} → notify, with the contact from the local copy. */
export const notifyOnOrderFinished =
  (deps: NotificationDeps, durable: string): EventHandler<Needs['finishedOrder']> =>
  (event, ctx) =>
    applyOnce(deps.db, durable, event.id, async (trx) => {
      const { id, userId, amount, status } = event.data.order;
      // The use case joins this transaction, reads the contact through it and delivers after the commit.
      const notified = await notifyOrderOutcome({ ...deps, db: trx }, { orderId: id, userId, amount, status });
      // The contact arrives with user.registered, on another consumer; it may not be here yet.
      return notified.ok ? ACK : notYet(notified.error.code, ctx.deliveryCount);
    });
