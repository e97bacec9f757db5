/**
 * What a link does to the bytes it carries, and which link each connection of a system goes
 * through. Pure: parsed from the CLI's flags, passed to the processes topology (and its children)
 * as the INTERPLAY_LINKS environment variable, read back by each relay process.
 */

/** A link's behaviour in each direction. Latency is one way: a request and its answer pay it twice. */
export interface LinkProfile {
  /** ms added to every chunk */
  readonly latencyMs: number;
  /** ms; each chunk's delay is drawn uniformly from latency ± jitter (never below 0) */
  readonly jitterMs: number;
  /** bytes per second per direction; undefined: unlimited */
  readonly bandwidthBytesPerSec?: number;
  /** with probability `p` per chunk the direction is held for `ms`, as a lost segment's retransmission holds a TCP stream */
  readonly stall?: { readonly p: number; readonly ms: number };
}

/** One `--link 'from>to=LATENCY±JITTER'`: `*` on either side matches every service (and `nats`). */
export interface PairProfile {
  readonly from: string;
  readonly to: string;
  readonly latencyMs: number;
  readonly jitterMs: number;
}

/** Every link of a system: the defaults, and per pair latencies over them (the last matching pair wins). */
export interface LinksConfig {
  readonly profile: LinkProfile;
  readonly pairs: readonly PairProfile[];
  /** seeds each relay's draws, so a run's delays replay; default 1 */
  readonly seed?: number;
}

/** The environment variable that carries a LinksConfig to `interplay up` and the processes topology. */
export const LINKS_ENV = 'INTERPLAY_LINKS';

/** The endpoint name a service's broker connection goes to in link names (`order>nats`). */
export const BROKER_ENDPOINT = 'nats';

export const NO_DELAY: LinkProfile = { latencyMs: 0, jitterMs: 0 };

/** The profile of the link from `from` to `to`. */
export function profileOf(config: LinksConfig, from: string, to: string): LinkProfile {
  let profile = config.profile;
  for (const pair of config.pairs) {
    if ((pair.from === '*' || pair.from === from) && (pair.to === '*' || pair.to === to)) {
      profile = { ...profile, latencyMs: pair.latencyMs, jitterMs: pair.jitterMs };
    }
  }
  return profile;
}

const DURATION = /^(\d+(?:\.\d+)?)(us|µs|ms|s)$/;

/** `0`, `500us`, `5ms`, `1.5s` → ms. Undefined when it is not one. */
export function parseLinkDuration(value: string): number | undefined {
  const text = value.trim();
  if (text === '0') return 0;
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const n = Number(match[1]);
  return match[2] === 's' ? n * 1000 : match[2] === 'ms' ? n : n / 1000;
}

const BANDWIDTH = /^(\d+(?:\.\d+)?)(kbit|mbit|gbit)$/i;
const BITS: Record<string, number> = { kbit: 1e3, mbit: 1e6, gbit: 1e9 };

/** `100mbit`, `1gbit`, `512kbit` (bits per second, as tc writes them) → bytes per second. */
export function parseBandwidth(value: string): number | undefined {
  const match = BANDWIDTH.exec(value.trim());
  if (!match) return undefined;
  const bytes = (Number(match[1]) * BITS[match[2]!.toLowerCase()]!) / 8;
  return bytes > 0 ? bytes : undefined;
}

/** `0.01:200ms` → { p: 0.01, ms: 200 }. */
export function parseStall(value: string): LinkProfile['stall'] | undefined {
  const [p, duration, ...rest] = value.split(':');
  if (rest.length > 0 || p === undefined || duration === undefined || !/^(0(\.\d+)?|1(\.0+)?)$/.test(p.trim())) return undefined;
  const ms = parseLinkDuration(duration);
  return ms === undefined ? undefined : { p: Number(p), ms };
}

/** `order>billing=20ms±5ms` (or `+-5ms`) → a pair; an error message when it is not one. */
export function parsePair(value: string, endpoints: readonly string[]): PairProfile | string {
  const match = /^\s*([\w*-]+)\s*>\s*([\w*-]+)\s*=\s*([^±+]+?)\s*(?:(?:±|\+-)\s*(\S+))?\s*$/.exec(value);
  const shape = `must be FROM>TO=LATENCY[±JITTER], e.g. 'order>billing=20ms±5ms' (FROM, TO: ${endpoints.join(', ')} or *)`;
  if (!match) return shape;
  const [, from, to, latency, jitter] = match;
  for (const end of [from!, to!]) if (end !== '*' && !endpoints.includes(end)) return `${end}: unknown; ${shape}`;
  const latencyMs = parseLinkDuration(latency!);
  const jitterMs = jitter === undefined ? 0 : parseLinkDuration(jitter);
  if (latencyMs === undefined || jitterMs === undefined) return shape;
  return { from: from!, to: to!, latencyMs, jitterMs };
}

export function linksToEnv(config: LinksConfig): string {
  return JSON.stringify(config);
}

/** The LinksConfig in INTERPLAY_LINKS, undefined when unset; throws on a value no flag could have written. */
export function linksFromEnv(env: NodeJS.ProcessEnv = process.env): LinksConfig | undefined {
  const text = env[LINKS_ENV];
  if (!text) return undefined;
  const parsed = JSON.parse(text) as LinksConfig;
  if (typeof parsed?.profile?.latencyMs !== 'number' || !Array.isArray(parsed.pairs)) throw new Error(`${LINKS_ENV} is not a links configuration`);
  return parsed;
}

/** `±5ms, 100mbit, stall 0.01:200ms`: what a link does besides its latency. */
export function describeExtras(profile: LinkProfile): string[] {
  const parts: string[] = [];
  if (profile.jitterMs) parts.push(`jitter ±${profile.jitterMs}ms`);
  if (profile.bandwidthBytesPerSec) parts.push(`${(profile.bandwidthBytesPerSec * 8) / 1e6}mbit`);
  if (profile.stall) parts.push(`stall ${profile.stall.p}:${profile.stall.ms}ms`);
  return parts;
}

/** `20ms, jitter ±5ms, 100mbit`: how a link is shown. */
export function describeProfile(profile: LinkProfile): string {
  return [`${profile.latencyMs}ms`, ...describeExtras(profile)].join(', ');
}
