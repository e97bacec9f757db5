import type { ServiceName, Style } from '../../model/style.ts';
import { peersOf } from '../peers.ts';
import type { LinkSpec } from './link-process.ts';
import { BROKER_ENDPOINT, profileOf, type LinksConfig } from './profile.ts';

/** The process name a link runs under in the supervisor (`link:order>billing`). */
export const linkProcessName = (name: string): string => `link:${name}`;

/** Every link of one processes-topology system, and the addresses each service is given instead of its peers' own. */
export interface LinkPlan {
  readonly links: readonly LinkSpec[];
  /** the comma-separated base URLs `from` calls `peer` at: one relay port per replica */
  peerUrls(from: ServiceName, peer: ServiceName): string;
  /** the NATS seed URLs `from` connects to, through its link to the broker; undefined without a broker */
  natsUrl(from: ServiceName): string | undefined;
}

export interface PlanInput {
  readonly style: Style;
  readonly host: string;
  readonly services: readonly ServiceName[];
  /** every replica's base URL */
  readonly replicas: Readonly<Record<ServiceName, readonly string[]>>;
  /** the broker's seed URLs, comma-separated */
  readonly natsUrl?: string;
  readonly config: LinksConfig;
  readonly freePort: () => Promise<number>;
}

/**
 * One link per (caller, callee) pair that the style's wiring connects: a service to each peer it
 * calls (`peersOf`), and each service to the broker. The gateway's calls stay direct: it stands for
 * the edge, where the user's own latency is the load generator's to add.
 */
export async function planLinks(input: PlanInput): Promise<LinkPlan> {
  const links: LinkSpec[] = [];
  const peerUrls = new Map<string, string>();
  const natsUrls = new Map<string, string>();
  const seed = input.config.seed ?? 1;
  const add = async (from: ServiceName, to: string, targets: readonly URL[], scheme: string): Promise<string> => {
    const routes = [];
    for (const target of targets) routes.push({ port: await input.freePort(), target: { host: target.hostname, port: Number(target.port) } });
    const name = `${from}>${to}`;
    links.push({ name, host: input.host, statusPort: await input.freePort(), profile: profileOf(input.config, from, to), routes, seed: seed + links.length });
    return routes.map((r) => `${scheme}://${input.host}:${r.port}`).join(',');
  };
  for (const from of input.services) {
    for (const peer of peersOf(from, input.style)) {
      peerUrls.set(`${from}>${peer}`, await add(from, peer, input.replicas[peer].map((u) => new URL(u)), 'http'));
    }
    if (input.natsUrl && input.style !== 'rest') {
      natsUrls.set(from, await add(from, BROKER_ENDPOINT, input.natsUrl.split(',').map((u) => new URL(u.trim())), 'nats'));
    }
  }
  return {
    links,
    peerUrls: (from, peer) => peerUrls.get(`${from}>${peer}`) ?? input.replicas[peer].join(','),
    natsUrl: (from) => natsUrls.get(from) ?? input.natsUrl,
  };
}
