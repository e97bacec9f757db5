import type { Environment, RunConfig, RunReport } from '../model/schema.ts';

/** printed for a value that was not measured or has no meaning (a ratio against 0) */
export const NONE = '–';

const grouped = (v: number, digits = 0): string =>
  v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** a count: whole, with thousands separators */
export const count = (v: number): string => (Number.isFinite(v) ? grouped(Math.round(v)) : NONE);

/** 3 significant digits ("0.812", "12.3", "123"), whole numbers from 100 up ("1,234", never "1.23e+3") */
export function sig3(v: number): string {
  if (!Number.isFinite(v)) return NONE;
  if (v === 0) return '0';
  if (Math.abs(v) >= 99.95) return grouped(Math.round(v));
  return v.toPrecision(3);
}

/** per second, one decimal */
export const rate = (v: number): string => (Number.isFinite(v) ? grouped(v, 1) : NONE);

export const mebibytes = (bytes: number): string => sig3(bytes / 2 ** 20);

/** "×1.00"; "–" for a ratio against 0 (null in the schema, NaN before it is saved) */
export const times = (v: number | null): string => (v === null || !Number.isFinite(v) ? NONE : `×${v.toFixed(2)}`);

export function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms >= 120_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** Breaks prose at spaces so no line passes `width` (a longer word keeps a line of its own). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

/** "12.5%"; one decimal */
export const percent = (fraction: number): string => `${Number((fraction * 100).toFixed(1))}%`;

/** One labelled fact about a run; facts with the same key are compared across runs. */
export interface Fact {
  readonly key: string;
  readonly text: string;
}

export function loadFacts(c: RunConfig): Fact[] {
  const load =
    c.mode === 'open'
      ? `open loop at ${c.rate ?? '?'}/s${c.arrivals ? ` (${c.arrivals})` : ''}`
      : `closed loop, ${c.connections ?? '?'} connections`;
  return [
    { key: 'load', text: load },
    { key: 'duration', text: `${duration(c.durationMs)} measured (warm-up ${duration(c.warmupMs)}, drain ≤ ${duration(c.drainMs)})` },
    { key: 'users', text: `${c.users} users` },
    { key: 'seed', text: `seed ${c.seed}` },
    { key: 'insufficient', text: `${percent(c.insufficient)} insufficient funds` },
    { key: 'max in flight', text: `max ${c.maxInflight} in flight` },
  ];
}

export function environmentFacts(e: Environment): Fact[] {
  return [
    { key: 'node', text: `Node ${e.node}` },
    { key: 'nats-server', text: e.natsServer === null ? 'no nats-server' : e.natsServer.startsWith('nats-server') ? e.natsServer : `nats-server ${e.natsServer}` },
    { key: 'CPU', text: `${e.cpuModel.trim()} × ${e.cpuCount}` },
    { key: 'memory', text: `${sig3(e.totalMemoryBytes / 2 ** 30)} GiB` },
    { key: 'platform', text: e.platform },
    { key: 'topology', text: e.topology },
    { key: 'storage', text: e.storage },
  ];
}

export interface FactsAcross {
  /** facts every run shares */
  readonly common: readonly string[];
  /** facts that differ, each value with the styles that have it */
  readonly differing: readonly { readonly key: string; readonly values: readonly { readonly text: string; readonly styles: readonly string[] }[] }[];
}

/** Splits facts into those all runs share and those that differ, so a summary says each once. */
export function factsAcross(runs: readonly RunReport[], factsOf: (run: RunReport) => Fact[]): FactsAcross {
  const byKey = new Map<string, Map<string, string[]>>();
  for (const run of runs) {
    for (const { key, text } of factsOf(run)) {
      const values = byKey.get(key) ?? new Map<string, string[]>();
      values.set(text, [...(values.get(text) ?? []), run.style]);
      byKey.set(key, values);
    }
  }
  const common: string[] = [];
  const differing: { key: string; values: { text: string; styles: string[] }[] }[] = [];
  for (const [key, values] of byKey) {
    const entries = [...values].map(([text, styles]) => ({ text, styles }));
    if (entries.length === 1 && entries[0]) common.push(entries[0].text);
    else differing.push({ key, values: entries });
  }
  return { common, differing };
}

/** "a (rest); b (notification, collaboration)" */
export const perStyle = (values: FactsAcross['differing'][number]['values']): string =>
  values.map((v) => `${v.text} (${v.styles.join(', ')})`).join('; ');

/** "http 503 ×3, timeout ×1", largest first */
export function errorList(errors: Readonly<Record<string, number>>): string {
  return Object.entries(errors)
    .sort(([, a], [, b]) => b - a)
    .map(([kind, n]) => `${kind} ×${count(n)}`)
    .join(', ');
}

export const hasErrors = (run: RunReport): boolean => Object.values(run.errors).some((n) => n > 0);
