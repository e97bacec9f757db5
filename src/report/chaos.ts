import { renderAnomalies } from '../analyse/index.ts';
import type { ChaosResult, ChaosStyleResult, FaultRecord } from '../measure/chaos.ts';
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
    ...(s.anomalies.length === 0 ? [] : renderAnomalies([...s.anomalies]).split('\n').filter((l) => l !== '').map((l) => `  ${l}`)),
  ];
}

/** "all 250 completed", or "240 of 250 completed": accepted orders whose notification arrived (a replay counts once) */
const completedText = (s: ChaosStyleResult): string => {
  const { completed, distinctAccepted } = s.orders;
  return completed === distinctAccepted ? `all ${completed} completed` : `${completed} of ${distinctAccepted} completed`;
};

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
