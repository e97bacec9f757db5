/**
 * The entry point of a link process (`interplay link`, one per link of the processes topology): the
 * relay, its /health and the supervisor protocol, and nothing else. bin/interplay loads this file
 * instead of the CLI for `link` (dist/cli/link.js when dist/ is fresh, this source through tsx
 * otherwise), so a link costs what a TCP relay with timers costs, not what the CLI does: no
 * commander, no Fastify, no services' code. See docs/simulate.md.
 */
import { exitWithSupervisor, readyLine } from '../supervised.ts';
import { LINK_SPEC_ENV, runLink, type LinkSpec } from './link-process.ts';

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

/** The spec the topology wrote, or why it cannot be run. Checked by hand: a schema library would cost the process more than the relay. */
export function parseLinkSpec(text: string | undefined): LinkSpec | string {
  if (!text) return `${LINK_SPEC_ENV} must hold the link to run`;
  let spec: Partial<LinkSpec>;
  try {
    spec = JSON.parse(text) as Partial<LinkSpec>;
  } catch {
    return `${LINK_SPEC_ENV} is not JSON`;
  }
  const port = (p: unknown) => Number.isInteger(p) && (p as number) >= 0 && (p as number) < 65536;
  if (typeof spec !== 'object' || spec === null || typeof spec.name !== 'string' || typeof spec.host !== 'string' || !port(spec.statusPort)) {
    return `${LINK_SPEC_ENV} must name the link, its host and its status port`;
  }
  if (typeof spec.profile !== 'object' || spec.profile === null || typeof spec.profile.latencyMs !== 'number' || typeof spec.profile.jitterMs !== 'number') {
    return `${LINK_SPEC_ENV} must give the link's latency and jitter`;
  }
  if (!Array.isArray(spec.routes) || !spec.routes.every((r) => r && port(r.port) && r.target && typeof r.target.host === 'string' && port(r.target.port))) {
    return `${LINK_SPEC_ENV} must list the link's routes (a port and a target host and port each)`;
  }
  return { ...spec, seed: typeof spec.seed === 'number' ? spec.seed : 1 } as LinkSpec;
}

/**
 * Runs the link INTERPLAY_LINK describes until SIGTERM, SIGINT or the supervisor's exit; prints
 * `ready URL` (its /health) once it relays. Resolves to the exit code for a spec it cannot run
 * (2, one line on stderr) or a relay that cannot listen (1); to 0 once running (the servers keep
 * the process alive).
 */
export async function linkMain(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const spec = parseLinkSpec(env[LINK_SPEC_ENV]);
  if (typeof spec === 'string') {
    process.stderr.write(`interplay: ${spec}\n`);
    return EXIT_USAGE;
  }
  let stop = async (): Promise<void> => {};
  const exit = exitWithSupervisor(() => stop());
  process.once('SIGINT', () => void exit());
  process.once('SIGTERM', () => void exit());
  try {
    const running = await runLink(spec);
    stop = running.stop;
    process.stdout.write(`${readyLine(running.url)}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`interplay: link ${spec.name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  }
}
