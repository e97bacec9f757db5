import { describe, expect, it } from 'vitest';
import { MAX_AMOUNT, formatMoney, isAmount } from './index.ts';

describe('money', () => {
  it.each([
    [60_000, '600.00 RUB'],
    [12_345, '123.45 RUB'],
    [5, '0.05 RUB'],
    [100, '1.00 RUB'],
    [MAX_AMOUNT, '10000000000.00 RUB'],
  ])('formatMoney - %i minor units read %s', (minor, text) => {
    expect(formatMoney(minor)).toBe(text);
  });

  it('formatMoney - names the currency it is given', () => {
    expect(formatMoney(250, 'EUR')).toBe('2.50 EUR');
  });

  it.each([1, 60_000, MAX_AMOUNT])('isAmount - accepts %i', (value) => {
    expect(isAmount(value)).toBe(true);
  });

  it.each([
    ['zero', 0],
    ['a negative number', -100],
    ['a float', 1.5],
    ['more than 10^12', MAX_AMOUNT + 1],
    ['an unsafe integer', 2 ** 53],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a numeric string', '100'],
    ['a bigint', 100n],
    ['null', null],
    ['undefined', undefined],
  ])('isAmount - rejects %s', (_label, value) => {
    expect(isAmount(value)).toBe(false);
  });
});
