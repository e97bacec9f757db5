import type { Style } from '../model/style.ts';

export type DashboardAction =
  | { readonly type: 'style'; readonly style: Style }
  | { readonly type: 'rate'; readonly factor: number }
  | { readonly type: 'select' }
  | { readonly type: 'stop-service' }
  | { readonly type: 'restart-service' }
  | { readonly type: 'quit' };

/** ±25 % per press */
const FASTER = 1.25;
const SLOWER = 0.75;

/** One definition of the keys: what they do and the help line that lists them. */
const KEYS: Readonly<Record<string, DashboardAction>> = {
  '1': { type: 'style', style: 'rest' },
  '2': { type: 'style', style: 'notification' },
  '3': { type: 'style', style: 'collaboration' },
  '+': { type: 'rate', factor: FASTER },
  '=': { type: 'rate', factor: FASTER }, // the unshifted + on most keyboards
  '-': { type: 'rate', factor: SLOWER },
  s: { type: 'select' },
  k: { type: 'stop-service' },
  r: { type: 'restart-service' },
  q: { type: 'quit' },
};

export const HELP_LINE = '1 rest 2 notif 3 collab · +/- rate · s select · k stop · r restart · q quit';

export function keyAction(input: string): DashboardAction | undefined {
  return KEYS[input];
}
