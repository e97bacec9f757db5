import { createServer } from 'node:http';
import { createRandom } from '../../model/random.ts';
import type { LinkProfile } from './profile.ts';
import { newCounters, startRelay, type Relay } from './relay.ts';

/** What one link process runs: one relay per target endpoint (a replica, a broker seed), all with one profile. */
export interface LinkSpec {
  /** `order>billing` */
  readonly name: string;
  readonly host: string;
  /** where its /health (bytes per direction, connections, pid) answers; what its ready line names */
  readonly statusPort: number;
  readonly profile: LinkProfile;
  readonly routes: readonly { readonly port: number; readonly target: { readonly host: string; readonly port: number } }[];
  readonly seed: number;
}

/** The environment variable that hands a LinkSpec to `interplay link`. */
export const LINK_SPEC_ENV = 'INTERPLAY_LINK';

export interface RunningLink {
  readonly url: string;
  stop(): Promise<void>;
}

/** Serves one link in this process: its relays, and /health with its byte counts. */
export async function runLink(spec: LinkSpec): Promise<RunningLink> {
  const counters = newCounters();
  const random = createRandom(spec.seed);
  const relays: Relay[] = [];
  const status = createServer((request, response) => {
    const body = JSON.stringify({ link: spec.name, pid: process.pid, profile: spec.profile, bytes: { forward: counters.forward, backward: counters.backward }, connections: counters.connections, open: counters.open });
    response.writeHead(request.url === '/health' ? 200 : 404, { 'content-type': 'application/json' }).end(request.url === '/health' ? body : '{}');
  });
  const stop = async () => {
    await Promise.all(relays.map((r) => r.close()));
    await new Promise<void>((resolve) => status.close(() => resolve()));
  };
  try {
    for (const route of spec.routes) relays.push(await startRelay({ host: spec.host, port: route.port, target: route.target, profile: spec.profile, random, counters }));
    await new Promise<void>((resolve, reject) => {
      status.once('error', reject);
      status.listen(spec.statusPort, spec.host, () => resolve());
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const address = status.address();
  return { url: `http://${spec.host}:${typeof address === 'object' && address ? address.port : spec.statusPort}`, stop };
}
