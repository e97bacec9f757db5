import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseName, dropDatabase } from '../src/platform/store/index.ts';
import { freePort } from '../src/runtime/nats-server.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../src/runtime/postgres-server.ts';
import { runInterplay } from './support/interplay.ts';
import { testPostgresUrl, uniqueDatabaseName } from './support/stores.ts';

/** Variables that would choose a store or a server behind the test's back. */
const WITHOUT = ['INTERPLAY_STORE', 'DATABASE_URL', 'INTERPLAY_DATABASE_PREFIX', 'INTERPLAY_DATABASE_POOL'];
const run = (args: readonly string[]) => runInterplay(args, {}, WITHOUT);

const privateDirs = () => readdirSync(tmpdir()).filter((name) => name.startsWith('interplay-pg-'));

describe('interplay --store: bad input', () => {
  it('an unknown --store exits 2 with one line naming the choices, and starts nothing', async () => {
    const exit = await run(['scenario', '--store', 'mysql']);

    expect(exit.code).toBe(2);
    expect(exit.stdout).toBe('');
    expect(exit.stderr.split('\n')[0]).toBe("interplay: option '--store <kind>' argument 'mysql' is invalid. Allowed choices are sqlite, postgres.");
  });

  it('a --database-url that is not a PostgreSQL URL exits 2 with one line that does not repeat it', async () => {
    const exit = await run(['up', '--store', 'postgres', '--database-url', 'mysql://app:s3cret-pw@db:3306/shop']);

    expect(exit.code).toBe(2);
    expect(exit.stdout).toBe('');
    expect(exit.stderr).toBe('interplay: --database-url (or DATABASE_URL) must be a PostgreSQL URL, for example postgres://USER:PASSWORD@HOST:5432\n');
  });

  it('--database-url with --store sqlite exits 2: it would be ignored', async () => {
    const exit = await run(['scenario', '--database-url', 'postgres://127.0.0.1:5432']);

    expect(exit.code).toBe(2);
    expect(exit.stderr).toBe('interplay: --database-url goes with --store postgres\n');
  });

  it('a server that does not answer: one line with host:port and the cause, exit 1, no stack, no password', async () => {
    const port = await freePort();

    const exit = await run(['scenario', '--store', 'postgres', '--database-url', `postgres://app:s3cret-pw@127.0.0.1:${port}/postgres`]);

    expect(exit.code).toBe(1);
    expect(exit.stderr).toBe(`interplay: PostgreSQL at 127.0.0.1:${port} (user app): connection refused (is the server running, on this port?)\n`);
  });

  describe('against a server with passwords', () => {
    let server: PrivatePostgres;
    beforeAll(async () => {
      server = await startPrivatePostgres();
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('a wrong password: one line with host:port and the cause, exit 1, the password not shown', async () => {
      const exit = await run(['up', '--store', 'postgres', '--database-url', `postgres://postgres:wrong-pw-123@127.0.0.1:${server.port}/postgres`]);

      expect(exit.code).toBe(1);
      expect(exit.stdout).toBe('');
      expect(exit.stderr).toBe(`interplay: PostgreSQL at 127.0.0.1:${server.port} (user postgres): password authentication failed\n`);
    });
  });
});

describe('interplay scenario --store postgres', () => {
  it('passes in every style on a private PostgreSQL it starts, and removes it afterwards', async () => {
    const before = privateDirs();

    const exit = await run(['scenario', '--style', 'all', '--store', 'postgres']);

    expect(exit.stderr).toBe('');
    expect(exit.code).toBe(0);
    expect(exit.stdout.match(/10 passed, 0 failed/g)).toHaveLength(3);
    expect(privateDirs().filter((d) => !before.includes(d))).toEqual([]);
    // three systems, each with its own private PostgreSQL (initdb ~1 s) and nats-server, on a busy 2-core box
  }, 180_000);

  it('passes in the processes topology with replicas, every process on its own database of a given server', async () => {
    const url = await testPostgresUrl();
    const prefix = uniqueDatabaseName();
    try {
      const exit = await run([
        'scenario',
        '--style',
        'notification',
        '--topology',
        'processes',
        '--replicas',
        'billing=2,order=2,notification=2',
        '--store',
        'postgres',
        '--database-url',
        url,
        '--database-prefix',
        prefix,
        '--database-pool',
        '2',
      ]);

      expect(exit.code, exit.stderr).toBe(0);
      expect(exit.stdout).toMatch(/10 passed, 0 failed/);
    } finally {
      for (const service of ['auth', 'billing', 'order', 'notification']) await dropDatabase(url, databaseName(prefix, service));
    }
    // eight processes started cold through tsx on a busy 2-core box
  }, 240_000);
});
