import { InvalidArgumentError, Option } from 'commander';
import { STYLES, type Style } from '../transports/index.ts';

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

export function parseNatsUrl(value: string): string {
  try {
    const url = new URL(value);
    if (!['nats:', 'tls:', 'ws:', 'wss:'].includes(url.protocol)) throw new Error();
    return value;
  } catch {
    throw new InvalidArgumentError('must be a NATS URL, for example nats://127.0.0.1:4222.');
  }
}

export const styleOption = (): Option =>
  new Option('--style <style>', 'interaction style').choices([...STYLES]).default('rest');

export const styleOrAllOption = (): Option =>
  new Option('--style <style>', 'interaction style, or all three in turn').choices([...STYLES, 'all']).default('rest');

export const natsOption = (): Option =>
  new Option('--nats <url>', 'NATS server for the event styles (default: $NATS_URL, else a private nats-server)').argParser(
    parseNatsUrl,
  );

export const stylesOf = (style: string): Style[] => (style === 'all' ? [...STYLES] : [style as Style]);
