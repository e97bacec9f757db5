import { describe, expect, it } from 'vitest';
import { runInterplay } from './support/interplay.ts';

/** Bad input to the topology flags and `interplay service` is named on stderr and exits 2, before anything starts. */

const SECRET = 'a-service-credential-of-at-least-32-characters';

const run = (args: readonly string[], env: Record<string, string> = {}) =>
  // No broker from the caller's environment: these runs must find none.
  runInterplay(args, env, ['NATS_URL']);

const firstLine = (text: string) => text.split('\n')[0] ?? '';

describe('bad topology input', () => {
  it.each([
    [['service', 'payments'], /payments.*invalid|choices/i],
    [['up', '--topology', 'processes', '--replicas', 'billing=0'], /count of billing must be a whole number/],
    [['up', '--topology', 'processes', '--replicas', 'order=-1'], /count of order must be a whole number/],
    [['up', '--topology', 'processes', '--replicas', 'order=1.5'], /count of order must be a whole number/],
    [['up', '--topology', 'processes', '--replicas', 'auth=2'], /auth runs as one process/],
    [['up', '--topology', 'processes', '--replicas', 'gateway=2'], /gateway runs as one process/],
    [['up', '--topology', 'processes', '--replicas', 'shipping=2'], /"shipping" is not a service with replicas/],
    [['up', '--replicas', 'billing=2'], /--replicas needs --topology processes/],
    [['scenario', '--topology', 'external'], /--topology external needs --base-url/],
    [['bench', '--topology', 'external'], /--topology external needs --base-url/],
    [['bench', '--base-url', 'http://127.0.0.1:1'], /^interplay: --base-url goes with --topology external$/],
    [['bench', '--topology', 'processes', '--sink', '127.0.0.1:9000'], /^interplay: --sink goes with --topology external$/],
    [['compare', '--docker-project', 'shop'], /^interplay: --docker-project goes with --topology external$/],
    [['scenario', '--topology', 'processes', '--base-url', 'http://127.0.0.1:1'], /^interplay: --base-url goes with --topology external$/],
    [['dashboard', '--topology', 'inproc', '--replicas', 'billing=2'], /^interplay: --replicas needs --topology processes$/],
  ])('interplay %j → exit 2 naming the problem', async (args, message) => {
    const { code, stderr, stdout } = await run(args);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(firstLine(stderr)).toMatch(/^interplay: /);
    expect(firstLine(stderr)).toMatch(message);
  });

  it.each([
    [['service', 'order', '--style', 'rest', '--data', '/tmp/x', '--auth-url', 'http://127.0.0.1:1'], /order process in the rest style needs --billing-url \(or INTERPLAY_BILLING_URL\)/],
    [['service', 'billing', '--data', '/tmp/x', '--auth-url', 'not a url'], /--auth-url/],
    [['service', 'billing', '--auth-url', 'http://127.0.0.1:1'], /billing service needs a data directory/],
    [['service', 'billing', '--auth-url', 'http://127.0.0.1:1', '--data', '/dev/null/billing'], /data directory \/dev\/null\/billing is not writable/],
    [['service', 'billing', '--style', 'collaboration', '--auth-url', 'http://127.0.0.1:1', '--data', '/tmp/x'], /needs a NATS server/],
  ])('interplay %j → exit 2 naming the problem', async (args, message) => {
    const { code, stderr } = await run(args, { INTERPLAY_SERVICE_SECRET: SECRET });

    expect(code).toBe(2);
    expect(firstLine(stderr)).toMatch(message);
  });

  it('interplay service refuses to start without a service credential', async () => {
    const { code, stderr } = await run(['service', 'auth', '--data', '/tmp/x'], { INTERPLAY_SERVICE_SECRET: '' });

    expect(code).toBe(2);
    expect(firstLine(stderr)).toBe('interplay: INTERPLAY_SERVICE_SECRET must be set to at least 32 characters');
  });

  it('interplay service --help documents every environment variable', async () => {
    const { code, stdout } = await run(['service', '--help']);

    expect(code).toBe(0);
    for (const name of [
      'INTERPLAY_STYLE', 'INTERPLAY_HOST', 'INTERPLAY_PORT', 'INTERPLAY_DATA_DIR', 'INTERPLAY_AUTH_URL', 'INTERPLAY_BILLING_URL',
      'INTERPLAY_ORDER_URL', 'INTERPLAY_NOTIFICATION_URL', 'NATS_URL', 'INTERPLAY_NATS_NAMESPACE', 'INTERPLAY_WEBHOOK_URL',
      'INTERPLAY_LOG_LEVEL', 'INTERPLAY_SERVICE_SECRET', 'INTERPLAY_MAX_INFLIGHT', 'INTERPLAY_REPLICA', 'INTERPLAY_RESTARTS',
    ]) {
      expect(stdout.replace(/\s+/g, ' ')).toContain(name);
    }
  });
});
