import { Command, InvalidArgumentError, Option } from 'commander';
import { isIP } from 'node:net';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { STYLES, type Style } from '../model/style.ts';
import { asUsageError } from './errors.ts';
import { natsOption, parseDuration, parseRate, positiveInt } from './options.ts';
import { stopEverythingOnSignal } from './signals.ts';

interface FloodFlags {
  readonly style: Style;
  readonly users: number;
  readonly rate: number;
  readonly loginRate: number;
  readonly quiet: number;
  readonly flood: number;
  readonly accounts: number;
  readonly attacker: string;
  readonly limits: 'on' | 'off';
  readonly nats?: string;
  readonly out?: string;
  readonly json?: boolean;
}

function parseAddress(value: string): string {
  if (isIP(value) === 0) throw new InvalidArgumentError('must be an IP address of this machine, such as 127.0.0.2.');
  return value;
}

export function registerFlood(cli: Command): void {
  cli
    .command('flood')
    .description('a flood of wrong-password logins from one client next to steady orders: order p99 completion with and without it, what the attacker got, argon2 runs')
    .addOption(new Option('--style <style>', 'interaction style').choices([...STYLES]).default('rest'))
    .addOption(new Option('--users <n>', 'users who order').argParser(positiveInt(10_000)).default(20))
    .addOption(new Option('--rate <n>', 'orders per second, the whole run').argParser(parseRate).default(50))
    .addOption(new Option('--login-rate <n>', "the attacker's wrong-password logins per second").argParser(parseRate).default(300))
    .addOption(new Option('--quiet <time>', 'orders alone before the flood (the comparison\'s "without")').argParser(parseDuration).default(10_000, '10s'))
    .addOption(new Option('--flood <time>', 'how long the flood lasts, orders going on').argParser(parseDuration).default(10_000, '10s'))
    .addOption(new Option('--accounts <n>', 'accounts the attacker guesses passwords for').argParser(positiveInt(10_000)).default(10))
    .addOption(new Option('--attacker <address>', "the attacker's own loopback address, so the system sees it apart").argParser(parseAddress).default('127.0.0.2'))
    .addOption(new Option('--limits <on|off>', 'the limits of the system under attack').choices(['on', 'off']).default('on'))
    .addOption(natsOption())
    .option('--out <dir>', 'where flood.json and flood.txt go (default reports/flood-<timestamp>)')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (flags: FloodFlags) => {
      const { runFlood, FLOOD_DEFAULTS } = await import('../measure/faults/flood.ts');
      const { renderFlood } = await import('../report/flood.ts');
      const { writeAtomic } = await import('../report/files.ts');
      stopEverythingOnSignal();
      const result = await runFlood({
        ...FLOOD_DEFAULTS,
        style: flags.style,
        users: flags.users,
        orderRate: flags.rate,
        loginRate: flags.loginRate,
        quietMs: flags.quiet,
        floodMs: flags.flood,
        accounts: flags.accounts,
        attackerAddress: flags.attacker,
        limits: flags.limits,
        nats: flags.nats,
        onPhase: (phase) => process.stderr.write(`flood: ${phase}\n`),
      }).catch((error: unknown) => {
        throw asUsageError(error);
      });
      const text = renderFlood(result);
      const out = flags.out ?? join('reports', `flood-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      await mkdir(out, { recursive: true });
      await writeAtomic(join(out, 'flood.json'), `${JSON.stringify(result, null, 2)}\n`);
      await writeAtomic(join(out, 'flood.txt'), text);
      process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : `${text}saved in ${out}\n`);
    });
}
