/** One series of prom-client's JSON form. */
interface Series {
  readonly name: string;
  readonly values: readonly { readonly labels: Readonly<Record<string, string | number>>; readonly value: number }[];
}

/** Counter values by metric name and label set, read from the gateway's /metrics?format=json. */
export type MetricsSnapshot = ReadonlyMap<string, number>;

const key = (name: string, labels: Readonly<Record<string, string | number>>) =>
  `${name}${JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))))}`;

/** ms; a scrape of a loaded system must still answer quickly, or the numbers are suspect anyway */
const SCRAPE_TIMEOUT_MS = 10_000;

export async function scrapeMetrics(baseUrl: string): Promise<MetricsSnapshot> {
  const res = await fetch(`${baseUrl}/metrics?format=json`, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
  if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
  const series = (await res.json()) as Series[];
  const out = new Map<string, number>();
  for (const s of series) for (const v of s.values) out.set(key(s.name, v.labels), v.value);
  return out;
}

/** Sums after − before for one metric, grouped by what `group` makes of each series' labels. */
export function counterDelta(
  before: MetricsSnapshot,
  after: MetricsSnapshot,
  name: string,
  group: (labels: Record<string, string>) => string,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, value] of after) {
    if (!k.startsWith(`${name}{`)) continue;
    const diff = value - (before.get(k) ?? 0);
    if (diff === 0) continue;
    const g = group(JSON.parse(k.slice(name.length)) as Record<string, string>);
    out[g] = (out[g] ?? 0) + diff;
  }
  return out;
}
