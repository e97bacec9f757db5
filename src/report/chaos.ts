import { renderAnomalies } from '../analyse/index.ts';
import type { ChaosResult, ChaosStyleResult, FaultRecord } from '../measure/faults/chaos.ts';
import { recoveryText } from '../measure/faults/recovery.ts';
import { FAULT_TYPES } from '../scenarios/faults.ts';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** The chaos verdict per style, then every anomaly with its ids; lines stay within 80 columns but for the ids. */
export function renderChaos(result: ChaosResult): string {
  const { replicas } = result.config;
  const lines = [
    `chaos: seed ${result.seed}, ${result.kills} faults per style, replicas billing=${replicas.billing} order=${replicas.order} notification=${replicas.notification}`,
  ];
  for (const style of result.styles) lines.push(...styleLines(style));
  lines.push(`replay this run: interplay ${result.config.argv.join(' ')}`);
  return `${lines.join('\n')}\n`;
}

function styleLines(s: ChaosStyleResult): string[] {
  const carried = s.faults.filter((f) => f.skipped === undefined);
  const n = s.anomalies.length;
  const verdict = n === 0 ? 'no anomalies' : `${n} ${n === 1 ? 'ANOMALY' : 'ANOMALIES'}`;
  return [
    `${s.style}: ${verdict}`,
    `  faults ${carried.length} of ${s.faults.length} carried out (${byKind(carried)}), ${s.restarts} restarts`,
    `  orders ${s.orders.accepted} of ${s.orders.sent} answered 201 (${s.orders.keyed} keyed, ${s.orders.replays} replays), ${completedText(s)}, settled in ${seconds(s.settledInMs)}`,
    ...recoveryLines(s),
    ...(s.anomalies.length === 0 ? [] : renderAnomalies([...s.anomalies]).split('\n').filter((l) => l !== '').map((l) => `  ${l}`)),
  ];
}

/** "all 250 completed", or "240 of 250 completed": accepted orders whose notification arrived (a replay counts once) */
const completedText = (s: ChaosStyleResult): string => {
  const { completed, distinctAccepted } = s.orders;
  return completed === distinctAccepted ? `all ${completed} completed` : `${completed} of ${distinctAccepted} completed`;
};

/**
 * Per fault: when it fell, when the component was back, and the recovery (from then until every order
 * accepted by then was notified); then the slowest per kind. Results saved before recovery was measured have none.
 */
function recoveryLines(s: ChaosStyleResult): string[] {
  const measured = s.faults.filter((f) => f.recovery !== undefined && f.backAtMs !== undefined);
  if (measured.length === 0) return [];
  const slowest = FAULT_TYPES.flatMap((type) => {
    const r = s.recovery?.[type];
    return r ? [`${r.ms === null ? 'not reached' : recoveryText(r)} after a ${KIND_NAMES[type][0]}`] : [];
  });
  return [
    `  recovery: from the fault's end until every order accepted by then is notified`,
    ...measured.map((f) => `    ${faultName(f)} at ${seconds(f.doneAtMs ?? f.atMs)}, back at ${seconds(f.backAtMs!)}${allBack(f)}: ${recoveryText(f.recovery!)}`),
    `  slowest recovery: ${slowest.join(', ')}`,
  ];
}

/** ", all back at 23.9 s" when faults overlapping this one ended later, and the recovery counts from then */
const allBack = (f: FaultRecord): string =>
  f.recoveredFromMs !== undefined && f.recoveredFromMs !== f.backAtMs ? `, all back at ${seconds(f.recoveredFromMs)}` : '';

/** "kill order#2", "broker restart", "nats node crash n2" */
function faultName(f: FaultRecord): string {
  if (f.type === 'kill') return `kill ${f.service}#${f.replica}`;
  if (f.type === 'nats-node-restart') return `${KIND_NAMES[f.type][0]} n${f.node}`;
  return KIND_NAMES[f.type][0];
}

/** how each kind of fault is named in the verdict, singular and plural */
const KIND_NAMES: Readonly<Record<FaultRecord['type'], readonly [string, string]>> = {
  kill: ['kill', 'kills'],
  'broker-restart': ['broker restart', 'broker restarts'],
  'nats-node-restart': ['nats node crash', 'nats node crashes'],
  'postgres-restart': ['postgres restart', 'postgres restarts'],
  'postgres-terminate': ['postgres connections ended', 'postgres connections ended'],
};

/** "3 kills, 1 postgres restart": the carried-out faults counted by kind; kills always, the others when there were any */
function byKind(carried: readonly FaultRecord[]): string {
  return FAULT_TYPES.flatMap((type) => {
    const n = carried.filter((f) => f.type === type).length;
    if (n === 0 && type !== 'kill') return [];
    return [`${n} ${KIND_NAMES[type][n === 1 ? 0 : 1]}`];
  }).join(', ');
}

/** exit code 1 when any style broke an invariant */
export const chaosFailed = (result: ChaosResult): boolean => result.styles.some((s) => s.anomalies.length > 0);
