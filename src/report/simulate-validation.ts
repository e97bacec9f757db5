import { TARGETS, type ValidationRow } from '../simulate/validation.ts';
import { rate, sig3 } from './format.ts';

const error = (predicted: number, measured: number): number => (measured > 0 && Number.isFinite(predicted) ? predicted / measured - 1 : Number.NaN);
const signed = (e: number, target: number): string => (Number.isNaN(e) ? '–' : `${e >= 0 ? '+' : ''}${Math.round(e * 100)}%${Math.abs(e) <= target ? '' : ' ✗'}`);

const HEADER = ['style', 'rate', 'link', 'held meas', 'held pred', 'err', 'p50 meas', 'p50 pred', 'err', 'p99 meas', 'p99 pred', 'err'];

/** Predicted against measured, one row per point, with the error against each target (✗ beyond it). */
export function renderValidation(rows: readonly ValidationRow[], markdown = false): string {
  const cells = rows.map((r) => [
    r.style,
    `${r.rate}/s`,
    `${r.latencyMs} ms`,
    rate(r.measured.held),
    rate(r.predicted.held),
    signed(error(r.predicted.held, r.measured.held), TARGETS.held),
    sig3(r.measured.p50),
    sig3(r.predicted.p50),
    signed(error(r.predicted.p50, r.measured.p50), TARGETS.p50),
    sig3(r.measured.p99),
    sig3(r.predicted.p99),
    signed(error(r.predicted.p99, r.measured.p99), TARGETS.p99),
  ]);
  const note = `targets: held rate ±${TARGETS.held * 100}%, completion p50 ±${TARGETS.p50 * 100}%, p99 ±${TARGETS.p99 * 100}% (✗ beyond); latencies in ms`;
  if (markdown) {
    return [`| ${HEADER.join(' | ')} |`, `|---|---:|---:|${HEADER.slice(3).map(() => '---:').join('|')}|`, ...cells.map((c) => `| ${c.join(' | ')} |`), '', note].join('\n');
  }
  const all = [HEADER, ...cells];
  const widths = HEADER.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return [...all.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')), note].join('\n');
}
