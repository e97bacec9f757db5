import { InvalidArgumentError, Option } from 'commander';
import { STYLES, type Style } from '../model/style.ts';
import { TARGET_TOPOLOGIES, TOPOLOGIES, type SystemTopology } from '../model/topology.ts';

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw new InvalidArgumentError('must be a whole number from 0 to 65535.');
  return port;
}

export function parseUrl(value: string): string {
  try {
    const url = new URL(value.includes('://') ? value : `http://${value}`);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
    return url.toString().replace(/\/$/, '');
  } catch {
    throw new InvalidArgumentError('must be an http(s) URL, for example http://arch.homework.');
  }
}

/** One NATS URL, or a cluster's seed URLs separated by commas; returned as given, without blanks. */
export function parseNatsUrl(value: string): string {
  const seeds = value.split(',').map((part) => part.trim());
  try {
    for (const seed of seeds) {
      const url = new URL(seed);
      if (!['nats:', 'tls:', 'ws:', 'wss:'].includes(url.protocol)) throw new Error();
    }
    return seeds.join(',');
  } catch {
    throw new InvalidArgumentError('must be a NATS URL, or several separated by commas, for example nats://127.0.0.1:4222.');
  }
}

export const styleOption = (): Option =>
  new Option('--style <style>', 'interaction style').choices([...STYLES]).default('rest');

export const styleOrAllOption = (): Option =>
  new Option('--style <style>', 'interaction style, or all three in turn').choices([...STYLES, 'all']).default('rest');

export const natsOption = (): Option =>
  new Option('--nats <url>', 'NATS server for the event styles, or a cluster\'s seed URLs separated by commas (default: $NATS_URL, else a private nats-server)').argParser(
    parseNatsUrl,
  );

export const stylesOf = (style: string): Style[] => (style === 'all' ? [...STYLES] : [style as Style]);

/** "20s", "500ms", "2m" → ms. Strict: a bare number or another unit is refused. */
export function parseDuration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('must be a duration such as 500ms, 20s or 2m.');
  const n = Number(match[1]);
  return Math.round(match[2] === 'ms' ? n : match[2] === 's' ? n * 1000 : n * 60_000);
}

export function positiveInt(max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > max) throw new InvalidArgumentError(`must be a whole number from 1 to ${max}.`);
    return n;
  };
}

export function parseRate(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n <= 0 || n > 100_000) throw new InvalidArgumentError('must be a number of orders per second above 0, at most 100000.');
  return n;
}

export function parseFraction(value: string): number {
  const n = Number(value);
  if (!/^\d*(\.\d+)?$/.test(value) || value === '' || n < 0 || n > 1) throw new InvalidArgumentError('must be a fraction from 0 to 1.');
  return n;
}

export const topologyOption = (withExternal = false, defaultTopology: SystemTopology['kind'] = 'inproc'): Option =>
  new Option(
    '--topology <topology>',
    withExternal
      ? 'inproc: the services in one process; processes: each its own process; external: a system running elsewhere (needs --base-url)'
      : 'inproc: the services in one process; processes: each service (and replica) its own process, under a supervisor',
  )
    .choices(withExternal ? TARGET_TOPOLOGIES : TOPOLOGIES)
    .default(defaultTopology);

export const replicasOption = (): Option =>
  new Option('--replicas <list>', 'processes topology: instances per service, e.g. billing=3,order=2 (auth and the gateway run once)').argParser(
    parseReplicas,
  );

const REPLICABLE = ['billing', 'order', 'notification'];

/** "billing=3,order=2" → { billing: 3, order: 2 } */
export function parseReplicas(value: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of value.split(',')) {
    const [name = '', count = '', ...rest] = part.split('=').map((s) => s.trim());
    if (rest.length > 0 || count === '') throw new InvalidArgumentError(`"${part}" must be SERVICE=COUNT, e.g. billing=3.`);
    if (name === 'auth' || name === 'gateway') throw new InvalidArgumentError(`${name} runs as one process; replicas are for ${REPLICABLE.join(', ')}.`);
    if (!REPLICABLE.includes(name)) throw new InvalidArgumentError(`"${name}" is not a service with replicas (${REPLICABLE.join(', ')}).`);
    if (!/^\d+$/.test(count) || Number(count) < 1 || Number(count) > 16) {
      throw new InvalidArgumentError(`the count of ${name} must be a whole number from 1 to 16, not "${count}".`);
    }
    if (name in out) throw new InvalidArgumentError(`${name} is named twice.`);
    out[name] = Number(count);
  }
  return out;
}

/** "127.0.0.1:9000" → { host, port } */
export function parseHostPort(value: string): { host: string; port: number } {
  const match = /^(.+):(\d+)$/.exec(value);
  const port = Number(match?.[2]);
  if (!match?.[1] || port < 1 || port > 65_535) throw new InvalidArgumentError('must be HOST:PORT, e.g. 127.0.0.1:9000.');
  return { host: match[1], port };
}

/** A whole number from 0 up: a count that may be none. */
export function nonNegativeInt(max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n > max) throw new InvalidArgumentError(`must be a whole number from 0 to ${max}.`);
    return n;
  };
}
