import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { STYLES, SERVICES, type ServiceName, type Style } from '../model/style.ts';
import { MIN_SERVICE_SECRET_LENGTH, PROCESS_KINDS, peersOf, type ProcessKind } from '../runtime/peers.ts';
import { UsageError, asUsageError } from './errors.ts';
import { parseNatsUrl, parsePort, parseUrl } from './options.ts';
import { addStoreFlags, checkDatabaseUrl, checkStoreFlags, type StoreFlags } from './store-flags.ts';
import { streamReplicasOption } from './nats-flags.ts';

interface ServiceFlags extends StoreFlags {
  readonly style: Style;
  readonly host: string;
  readonly port: number;
  readonly data?: string;
  readonly nats?: string;
  readonly namespace: string;
  readonly streamReplicas?: number;
  readonly webhook?: string;
  readonly logLevel: string;
  readonly authUrl?: string[];
  readonly billingUrl?: string[];
  readonly orderUrl?: string[];
  readonly notificationUrl?: string[];
}

/** "http://a:1,http://b:2" → one base URL per replica */
export function parseUrlList(value: string): string[] {
  const urls = value.split(',').map((part) => part.trim());
  if (urls.some((u) => u === '')) throw new InvalidArgumentError('must be one or more http(s) URLs, separated by commas.');
  return urls.map(parseUrl);
}

const envName = (service: ServiceName) => `INTERPLAY_${service.toUpperCase()}_URL`;

export function registerService(cli: Command): void {
  const command = cli
    .command('service')
    .description('run one service, or the gateway, as this process: what a container runs')
    .addArgument(new Argument('<name>', 'which one').choices([...PROCESS_KINDS]))
    .addOption(new Option('--style <style>', 'interaction style').choices([...STYLES]).default('rest').env('INTERPLAY_STYLE'))
    .addOption(new Option('--host <host>', 'address to listen on').default('127.0.0.1').env('INTERPLAY_HOST'))
    .addOption(new Option('--port <port>', 'port to listen on (0 picks a free one)').argParser(parsePort).default(8080).env('INTERPLAY_PORT'))
    .addOption(new Option('--data <dir>', "the service's own data directory (its database; auth's signing key)").env('INTERPLAY_DATA_DIR'));
  for (const service of SERVICES) {
    command.addOption(
      new Option(`--${service}-url <urls>`, `base URL of the ${service} service; several, comma-separated, for replicas`)
        .argParser(parseUrlList)
        .env(envName(service)),
    );
  }
  command
    .addOption(new Option('--nats <url>', "NATS server of the event styles, or a cluster's seed URLs separated by commas").argParser(parseNatsUrl).env('NATS_URL'))
    .addOption(streamReplicasOption())
    .addOption(new Option('--namespace <ns>', 'prefix of streams and subjects; every process of one system uses the same').default('interplay').env('INTERPLAY_NATS_NAMESPACE'))
    .addOption(new Option('--webhook <url>', 'notification: deliver by POSTing to this URL (default: one JSON line each on stdout)').argParser(parseUrl).env('INTERPLAY_WEBHOOK_URL'))
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug']).default('warn').env('INTERPLAY_LOG_LEVEL'));
  addStoreFlags(command)
    .addHelpText(
      'after',
      `
Environment only (never a flag, so it does not show in a process list):
  INTERPLAY_SERVICE_SECRET   the service-to-service credential, at least ${MIN_SERVICE_SECRET_LENGTH} characters; the same
                             for every process of one system (a Kubernetes Secret, a compose env file)
  INTERPLAY_MAX_EVENT_LOOP_DELAY_MS, INTERPLAY_MAX_INFLIGHT
                             when to shed new requests with 503 (see docs/commands.md)
  INTERPLAY_LIMITS           on (default) or off: every limit below (docs/limits.md)
  INTERPLAY_LIMIT_LOGIN      auth: failed logins per account and per address, N/window (default 5/1m),
                             then 429 with Retry-After, blocks doubling up to
  INTERPLAY_LIMIT_LOGIN_MAX_BLOCK  (default 15m)
  INTERPLAY_LIMIT_REGISTER_PER_ADDRESS  auth: registrations per client address (default 3000/1m)
  INTERPLAY_LIMIT_ORDERS_PER_ADDRESS    order: orders per client address (default 20000/10s)
  INTERPLAY_LIMIT_ORDERS_PER_USER       order: orders per user (default 1000/10s); each N/window or off
  INTERPLAY_TRUST_PROXY      proxies whose X-Forwarded-For names the client, comma-separated
                             addresses, CIDRs or loopback/linklocal/uniquelocal, or none
                             (default: a service loopback,uniquelocal; the gateway none)
Set by the supervisor of the processes topology, shown in /health:
  INTERPLAY_REPLICA          this process's replica number (default 1)
  INTERPLAY_RESTARTS         how often it was restarted (default 0)

Prints "ready <url>" on stdout once it listens; SIGINT or SIGTERM stops it cleanly.`,
    )
    .action(async (name: ProcessKind, flags: ServiceFlags) => {
      checkStoreFlags(command, flags);
      const config = await validate(name, flags);
      const { exitWithSupervisor, readyLine } = await import('../runtime/supervised.ts');
      // Stops when its supervisor is gone (even SIGKILLed), and on SIGINT or SIGTERM.
      let stopAll = async (): Promise<void> => {};
      const exit = exitWithSupervisor(() => stopAll());
      process.once('SIGINT', () => void exit());
      process.once('SIGTERM', () => void exit());
      const { runProcess } = await import('../runtime/run-service.ts');
      const { webhookChannel } = await import('../runtime/delivery/webhook.ts');
      const delivery =
        name === 'notification' && flags.webhook
          ? webhookChannel({
              url: flags.webhook,
              onGiveUp: (orderId, reason) => process.stderr.write(`interplay: notification of order ${orderId} not delivered: ${reason}\n`),
            })
          : undefined;
      const running = await runProcess({ ...config, delivery }).catch((error) => {
        throw asUsageError(error);
      });
      stopAll = async () => {
        await running.stop();
        await delivery?.close();
      };
      process.stdout.write(`${readyLine(running.url)}\n`);
    });
}

async function validate(name: ProcessKind, flags: ServiceFlags) {
  const secret = process.env['INTERPLAY_SERVICE_SECRET'] ?? '';
  if (secret.length < MIN_SERVICE_SECRET_LENGTH) {
    throw new UsageError(`INTERPLAY_SERVICE_SECRET must be set to at least ${MIN_SERVICE_SECRET_LENGTH} characters`);
  }
  const given: Partial<Record<ServiceName, string[]>> = {
    auth: flags.authUrl,
    billing: flags.billingUrl,
    order: flags.orderUrl,
    notification: flags.notificationUrl,
  };
  const peers: Partial<Record<ServiceName, readonly string[]>> = {};
  for (const peer of peersOf(name, flags.style)) {
    const urls = given[peer];
    if (!urls) throw new UsageError(`the ${name} process in the ${flags.style} style needs --${peer}-url (or ${envName(peer)})`);
    peers[peer] = urls;
  }
  if (flags.style !== 'rest' && name !== 'gateway' && !flags.nats) {
    throw new UsageError(`the ${flags.style} style needs a NATS server: --nats (or NATS_URL)`);
  }
  if (name !== 'gateway' && flags.store === 'postgres' && !flags.databaseUrl) {
    // One process cannot start a server for a system of many; `interplay up` does that.
    throw new UsageError(`the ${name} service with --store postgres needs a server: --database-url (or DATABASE_URL)`);
  }
  if (name !== 'gateway') {
    if (!flags.data) throw new UsageError(`the ${name} service needs a data directory: --data (or INTERPLAY_DATA_DIR)`);
    await writableDirectory(flags.data);
  }
  const { overloadLimitsFromEnv } = await import('../platform/http/overload.ts');
  const overload = overloadLimitsFromEnv();
  if (!overload.ok) throw new UsageError(overload.error);
  const { limitsFromEnv, trustedProxiesFromEnv } = await import('../runtime/limits.ts');
  const limits = limitsFromEnv();
  if (!limits.ok) throw new UsageError(limits.error);
  const whole = (v: string | undefined, fallback: number) => (v && /^\d+$/.test(v) ? Number(v) : fallback);
  return {
    kind: name,
    style: flags.style,
    host: flags.host,
    port: flags.port,
    dataDir: flags.data,
    peers,
    bus:
      flags.style !== 'rest' && flags.nats
        ? { url: flags.nats, namespace: flags.namespace, ...(flags.streamReplicas ? { replicas: flags.streamReplicas } : {}) }
        : undefined,
    serviceSecret: secret,
    logLevel: flags.logLevel,
    overload: overload.value,
    limits: limits.value,
    trustProxy: trustedProxiesFromEnv(),
    instance: { replica: whole(process.env['INTERPLAY_REPLICA'], 1), restarts: whole(process.env['INTERPLAY_RESTARTS'], 0) },
    store:
      flags.store === 'postgres' && flags.databaseUrl
        ? { kind: 'postgres' as const, url: checkDatabaseUrl(flags.databaseUrl), prefix: flags.databasePrefix, poolSize: flags.databasePool }
        : { kind: 'sqlite' as const },
  };
}

async function writableDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    throw new UsageError(`the data directory ${dir} is not writable (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
