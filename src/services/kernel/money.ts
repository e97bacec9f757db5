/** Amounts are positive integers of minor units (kopecks), at most 10^12. */
export const MAX_AMOUNT = 1_000_000_000_000;
export const CURRENCY = 'RUB';

export function isAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 && value <= MAX_AMOUNT;
}

/** 12345 → "123.45 RUB", with integer arithmetic only. */
export function formatMoney(minor: number, currency: string = CURRENCY): string {
  const major = Math.trunc(minor / 100);
  const cents = String(minor % 100).padStart(2, '0');
  return `${major}.${cents} ${currency}`;
}
