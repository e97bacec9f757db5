import type { FloodResult } from '../measure/faults/flood.ts';
import type { PhaseFigures } from '../measure/faults/flood-figures.ts';

/** the most the p99 completion may grow under the flood (issue 16) */
export const FLOOD_P99_TARGET = 1.5;

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
const counts = (c: Readonly<Record<string, number>>) =>
  Object.keys(c).length === 0 ? 'none' : Object.entries(c).map(([k, n]) => `${n} × ${k}`).join(', ');

function phaseRow(label: string, p: PhaseFigures): string {
  return `${label.padEnd(22)}${String(p.sent).padStart(6)}${String(p.completed).padStart(11)}${ms(p.completion.p50).padStart(9)}${ms(p.completion.p99).padStart(9)}${ms(p.completion.max).padStart(9)}   ${counts(p.refused)}`;
}

/** The flood benchmark as text: the two phases side by side, what the attacker got, argon2's runs. */
export function renderFlood(r: FloodResult): string {
  const o = r.options;
  const verdict = Number.isFinite(r.p99Ratio) && r.p99Ratio <= FLOOD_P99_TARGET ? 'within' : 'NOT within';
  return [
    `flood: ${r.style}, limits ${o.limits}; ${o.users} users order ${o.orderRate}/s for ${(o.quietMs + o.floodMs) / 1000} s;`,
    `       one client (${o.attackerAddress}) sends ${o.loginRate} wrong-password logins/s on ${o.accounts} accounts for the last ${o.floodMs / 1000} s`,
    '',
    `${'orders'.padEnd(22)}${'sent'.padStart(6)}${'completed'.padStart(11)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'max ms'.padStart(9)}   not accepted`,
    phaseRow('without the flood', r.withoutFlood),
    phaseRow('with the flood', r.withFlood),
    '',
    `p99 completion with the flood: ×${r.p99Ratio.toFixed(2)} of without, ${verdict} the ×${FLOOD_P99_TARGET} target`,
    `attacker: ${r.attacker.sent} logins; answers: ${counts(r.attacker.answers)}; unanswered by the end of the drain: ${r.attacker.unanswered}`,
    `argon2 runs while the flood ran: ${r.argon2.runs} (the limits allow at most ${r.argon2.bound}: 5 per account × ${o.accounts} + 5 per address)`,
    '',
  ].join('\n');
}
