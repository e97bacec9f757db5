import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childProcesses } from '../src/measure/engine/proc.ts';
import { DatabaseUnreachable, openStore, probeServer } from '../src/platform/store/index.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../src/runtime/postgres-server.ts';
import { eventually } from './support/nats.ts';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('a private PostgreSQL', () => {
  let server: PrivatePostgres;
  beforeAll(async () => {
    server = await startPrivatePostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('takes a login on a loopback port with its password, and refuses a wrong one with host:port and the cause', async () => {
    await probeServer(server.url);

    const wrong = server.url.replace(/:[^:@/]+@/, ':not-the-password@');
    const refused = await probeServer(wrong).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(DatabaseUnreachable);
    expect((refused as Error).message).toBe(`PostgreSQL at 127.0.0.1:${server.port} (user postgres): password authentication failed`);
  });

  it('halt() stops it keeping its data, start() brings it back on the same port with the data there', async () => {
    const store = await openStore<{ notes: { id: string } }>({ kind: 'postgres', url: server.url, database: 'kept' });
    await store.db.schema.createTable('notes').addColumn('id', 'text').execute();
    await store.db.insertInto('notes').values({ id: 'before' }).execute();
    const firstPid = server.pid;

    await server.halt();
    expect(alive(firstPid)).toBe(false);
    await expect(store.db.selectFrom('notes').selectAll().execute()).rejects.toThrow();

    await server.start();
    expect(server.pid).not.toBe(firstPid);
    // The pool drops the dead connections and connects anew: no restart of the user needed.
    expect(await eventually(async () => store.db.selectFrom('notes').selectAll().execute(), { what: 'the pool to reconnect' })).toEqual([{ id: 'before' }]);
    await store.close();
  });

  it('terminateConnections(database) ends that database\'s connections, and the pool opens new ones', async () => {
    const store = await openStore<{ notes: { id: string } }>({ kind: 'postgres', url: server.url, database: 'cut' });
    await store.db.schema.createTable('notes').addColumn('id', 'text').execute();

    expect(await server.terminateConnections('cut')).toBeGreaterThanOrEqual(1);

    expect(await eventually(async () => (await store.db.selectFrom('notes').selectAll().execute()).length === 0, { what: 'a new connection' })).toBe(true);
    await store.close();
  });
});

describe('a private PostgreSQL, stopped', () => {
  it('leaves no process and no directory behind', async () => {
    const server = await startPrivatePostgres();
    const { pid, dir } = server;
    const backends = await childProcesses(pid);
    expect(alive(pid)).toBe(true);
    // the checkpointer, background writer, WAL writer… forked by the postmaster
    expect(backends.length).toBeGreaterThanOrEqual(3);
    expect(existsSync(join(dir, 'data', 'PG_VERSION'))).toBe(true);

    await server.stop();

    expect(alive(pid)).toBe(false);
    expect(backends.filter(alive)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });

  it('with a kept directory, keeps the cluster, and a second start finds the databases there', async () => {
    const root = await mkdtemp(join(tmpdir(), 'interplay-pg-kept-'));
    // mkdtemp makes it 0700; as root, the server's own account must pass through it, as through any --data DIR.
    await chmod(root, 0o755);
    // `up --data DATA` keeps it in DATA/postgres, DATA made by nobody yet.
    const dir = join(root, 'data', 'postgres');
    try {
      const first = await startPrivatePostgres({ dir });
      const store = await openStore({ kind: 'postgres', url: first.url, database: 'survives' });
      await store.close();
      await first.stop();
      expect(existsSync(join(dir, 'data', 'PG_VERSION'))).toBe(true);

      const second = await startPrivatePostgres({ dir });
      try {
        const store2 = await openStore({ kind: 'postgres', url: second.url, database: 'postgres' });
        const names = await store2.db.selectFrom('pg_database' as never).select('datname' as never).execute();
        await store2.close();
        expect(names.map((r) => (r as { datname: string }).datname)).toContain('survives');
      } finally {
        await second.stop();
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
