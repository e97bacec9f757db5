import { renderAnomalies } from '../analyse/index.ts';
import type { ChaosResult, ChaosStyleResult } from '../measure/chaos.ts';

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
  const broker = carried.filter((f) => f.type === 'broker-restart').length;
  const nodes = carried.filter((f) => f.type === 'nats-node-restart').length;
  const n = s.anomalies.length;
  const verdict = n === 0 ? 'no anomalies' : `${n} ${n === 1 ? 'ANOMALY' : 'ANOMALIES'}`;
  return [
    `${s.style}: ${verdict}`,
    `  faults ${carried.length} of ${s.faults.length} carried out (${carried.length - broker - nodes} kills, ${broker} broker restarts${nodes > 0 ? `, ${nodes} nats node crashes` : ''}), ${s.restarts} restarts`,
    `  orders ${s.orders.accepted} of ${s.orders.sent} answered 201 (${s.orders.keyed} keyed, ${s.orders.replays} replays), settled in ${seconds(s.settledInMs)}`,
    ...(s.anomalies.length === 0 ? [] : renderAnomalies([...s.anomalies]).split('\n').filter((l) => l !== '').map((l) => `  ${l}`)),
  ];
}

/** exit code 1 when any style broke an invariant */
export const chaosFailed = (result: ChaosResult): boolean => result.styles.some((s) => s.anomalies.length > 0);
