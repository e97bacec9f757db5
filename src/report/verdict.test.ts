import { describe, expect, it } from 'vitest';
import { aRun } from './test-builders.ts';
import { verdict } from './verdict.ts';

const clean = (style: 'rest' | 'notification' | 'collaboration') => aRun({ style, orders: { pending: 0, failed: 0, dropped: 0 } });

describe('verdict', () => {
  it('passes runs where every order ended paid or rejected', () => {
    expect(verdict([clean('rest'), clean('notification')])).toEqual({ ok: true });
  });

  it('fails when orders failed, stayed pending or were dropped, with the counts per style', () => {
    const judged = verdict([
      aRun({ style: 'rest', orders: { failed: 3, pending: 2, dropped: 0 } }),
      clean('notification'),
      aRun({ style: 'collaboration', orders: { failed: 0, pending: 0, dropped: 1_500 } }),
    ]);
    expect(judged).toEqual({ ok: false, reason: 'not every order finished: rest 3 failed, 2 pending; collaboration 1,500 dropped' });
  });

  it('fails a --find-max that held no rate, naming the style, and passes one that held a rate', () => {
    expect(verdict([], [{ style: 'notification', maxRate: null }])).toEqual({ ok: false, reason: '--find-max held no rate: notification' });
    expect(verdict([clean('rest')], [{ style: 'rest', maxRate: 170 }])).toEqual({ ok: true });
  });
});
