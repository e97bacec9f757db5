import { InvalidArgumentError, Option, type Command } from 'commander';
import { UsageError } from './errors.ts';
import {
  BROKER_ENDPOINT,
  LINKS_ENV,
  linksToEnv,
  parseBandwidth,
  parseLinkDuration,
  parsePair,
  parseStall,
  type LinkProfile,
  type LinksConfig,
  type PairProfile,
} from '../runtime/links/profile.ts';

/** the commands that start a processes-topology system of their own, and so can put links between its services */
const TAKES_LINKS = ['up', 'bench', 'compare', 'explain', 'dashboard', 'outage', 'chaos'] as const;

/** The link flags of a command, as commander parses them. */
export interface LinkFlags {
  /** one value, or a sweep on compare */
  readonly linkLatency?: readonly number[];
  readonly linkJitter?: number;
  readonly linkBandwidth?: number;
  readonly link?: readonly PairProfile[];
  readonly linkStall?: LinkProfile['stall'];
  readonly topology?: string;
}

const ENDPOINTS = ['auth', 'billing', 'order', 'notification', BROKER_ENDPOINT];

const duration = (value: string): number => {
  const ms = parseLinkDuration(value);
  if (ms === undefined) throw new InvalidArgumentError('must be a duration such as 0, 500us, 5ms or 1s.');
  return ms;
};

/** `5ms`, or on compare `0,1ms,5ms,20ms` */
export function parseLatencies(value: string): number[] {
  return value.split(',').map((part) => duration(part));
}

/** The link options, for a command that starts a system and for `simulate`, which models one. */
export function linkOptions(): Option[] {
  return [
    new Option('--link-latency <ms>', 'one-way latency of every link between services and to the broker, e.g. 5ms (compare: a sweep, e.g. 0,1ms,5ms,20ms); needs --topology processes').argParser(
      parseLatencies,
    ),
    new Option('--link-jitter <ms>', "each chunk's delay drawn uniformly from latency ± jitter, e.g. 2ms").argParser(duration),
    new Option('--link-bandwidth <rate>', 'per link and direction, e.g. 100mbit or 1gbit').argParser((value: string) => {
      const bytes = parseBandwidth(value);
      if (bytes === undefined) throw new InvalidArgumentError('must be a rate such as 512kbit, 100mbit or 1gbit.');
      return bytes;
    }),
    new Option('--link <pair>', "one pair's latency over the others, repeatable: 'order>billing=20ms±5ms' (FROM>TO, either may be *; TO may be nats)").argParser(
      (value: string, previous: PairProfile[] | undefined) => {
        const pair = parsePair(value, ENDPOINTS);
        if (typeof pair === 'string') throw new InvalidArgumentError(pair);
        return [...(previous ?? []), pair];
      },
    ),
    new Option('--link-stall <p:duration>', 'with probability P per chunk, hold a link direction for DURATION, as a lost segment does: e.g. 0.01:200ms').argParser(
      (value: string) => {
        const stall = parseStall(value);
        if (!stall) throw new InvalidArgumentError('must be P:DURATION with P from 0 to 1, e.g. 0.01:200ms.');
        return stall;
      },
    ),
  ];
}

export function addLinkFlag(command: Command): Command {
  // explain takes them only to refuse them in one line (below), so its help does not list them.
  for (const option of linkOptions()) command.addOption(command.name() === 'explain' ? option.hideHelp() : option);
  return command
    .hook('preAction', (_command, action) => {
      const flags = action.opts<LinkFlags>();
      const configs = linksConfigs(flags);
      if (configs.length === 0) return;
      if (flags.topology !== undefined && flags.topology !== 'processes') {
        throw new UsageError('the --link flags need --topology processes: a link is a relay process between two service processes');
      }
      if (action.name() === 'explain') {
        throw new UsageError(
          'explain takes no --link flags: it records spans in one process, and links run between processes (they change no edge of the graph); measure links with bench or compare --topology processes',
        );
      }
      if (configs.length > 1 && action.name() !== 'compare') throw new UsageError('--link-latency takes several values only on compare (a sweep)');
      // One value: the system this command starts reads it, in this process and in `interplay up`.
      if (configs.length === 1) process.env[LINKS_ENV] = linksToEnv(configs[0]!);
    });
}

/** Adds the link flags to each command of `cli` that starts a processes-topology system. */
export function addLinkFlags(cli: Command): void {
  for (const command of cli.commands) if ((TAKES_LINKS as readonly string[]).includes(command.name())) addLinkFlag(command);
}

/** The links each flag set asks for: none without a link flag, one per --link-latency value otherwise. */
export function linksConfigs(flags: LinkFlags): LinksConfig[] {
  const any = flags.linkLatency ?? flags.linkJitter ?? flags.linkBandwidth ?? flags.link ?? flags.linkStall;
  if (any === undefined) return [];
  return (flags.linkLatency ?? [0]).map((latencyMs) => ({
    profile: {
      latencyMs,
      jitterMs: flags.linkJitter ?? 0,
      ...(flags.linkBandwidth ? { bandwidthBytesPerSec: flags.linkBandwidth } : {}),
      ...(flags.linkStall ? { stall: flags.linkStall } : {}),
    },
    pairs: flags.link ?? [],
  }));
}
