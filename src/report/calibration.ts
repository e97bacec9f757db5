import { CEILING_MODEL, type Ceiling } from '../analyse/ceiling.ts';
import { PRIMITIVES, type Calibration, type PrimitiveName } from '../model/calibration.ts';
import { STYLES, type Style } from '../model/style.ts';
import { CalibrationSchema } from './calibration-schema.ts';
import { ReportError } from './errors.ts';
import { count, duration, sig3, wrap } from './format.ts';
import { checkAgainst } from './validate.ts';

const SCHEMA = 'interplay/calibration@1';

const PRIMITIVE_TEXT: Record<PrimitiveName, string> = {
  hello: 'hello (Fastify, autocannon)',
  http: 'HTTP call (service app + client)',
  jetstream: 'JetStream publish → consume → ack',
  sqlite: 'SQLite commit (WAL, UPDATE + INSERT)',
};

/**
 * Reads a saved `interplay calibrate --json` and checks it against its schema, so a
 * damaged or foreign file fails here with its path rather than as a NaN in a table.
 */
export function parseCalibration(text: string, path: string): Calibration {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new ReportError('REPORT.BAD_JSON', `${path} is not valid JSON: ${(cause as Error).message}`, { path, cause });
  }
  const schema = (value as { schema?: unknown } | null)?.schema;
  if (schema !== SCHEMA) {
    throw new ReportError('REPORT.UNKNOWN_SCHEMA', `${path} is not an ${SCHEMA} file (write one with interplay calibrate --json > FILE).`, { path });
  }
  return checkAgainst(CalibrationSchema, value, path, 'calibration') as Calibration;
}

/** A calibration as terminal text: the primitives, then each style's ceiling from its known hops, then the model. */
export function renderCalibration(calibration: Calibration, ceilings: Readonly<Record<Style, Ceiling>>): string {
  const { environment: env, primitives } = calibration;
  const hello = primitives.hello.cpuUsPerOp;
  const lines = [
    ` interplay calibrate: ${env.cpuModel} × ${env.cpuCount}, Node ${env.node}${env.natsServer ? `, nats-server ${env.natsServer}` : ''}`,
    ` each primitive ${duration(calibration.durationMs)} at saturation, medians of per-second samples · load average ${env.loadAverage.toFixed(2)} at the start${
      env.loadAverage > env.cpuCount * 0.75 ? ' — a busy machine: the numbers are noisy' : ''
    }`,
    '',
    ...grid(
      ['primitive', 'per second', 'CPU µs', 'hellos', 'in flight', 'CPU of'],
      PRIMITIVES.map((name) => {
        const p = primitives[name];
        return [PRIMITIVE_TEXT[name], count(p.perSecond), sig3(p.cpuUsPerOp), sig3(p.cpuUsPerOp / hello), String(p.concurrency), p.cpuOf];
      }),
      [0, 5],
    ),
    '',
    ...grid(
      ['style', 'HTTP', 'msgs', 'commits', 'CPU ms /order', 'hellos /order', `ceiling /s (${calibration.cores} cores)`],
      STYLES.map((style) => {
        const c = ceilings[style];
        return [style, sig3(c.hops.http), sig3(c.hops.messages), sig3(c.hops.commits), sig3(c.cpuMsPerOrder), sig3(c.helloPerOrder), count(c.ordersPerSecond)];
      }),
    ),
    '',
    ...wrap(CEILING_MODEL, 100).map((l) => ` ${l}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** columns padded to their widest cell: numbers right-aligned, the columns in `text` (names) left-aligned */
export function grid(head: readonly string[], rows: readonly (readonly string[])[], text: readonly number[] = [0]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    ` ${cells.map((c, i) => (text.includes(i) ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd()}`;
  return [line(head), ` ${widths.map((w) => '─'.repeat(w)).join('  ')}`, ...rows.map(line)];
}
