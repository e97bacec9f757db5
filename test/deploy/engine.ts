import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { access, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, runOk } from './exec.ts';

export interface Engine {
  /** true when this test started dockerd and will stop it */
  readonly started: boolean;
  /** the storage driver the engine runs with (overlay2, vfs…) */
  readonly driver: string;
  /** where the started engine logs */
  readonly log?: string;
  stop(): Promise<void>;
}

/** ms; dockerd on vfs starts in a few seconds; longer means it failed */
const ENGINE_START_TIMEOUT_MS = 60_000;
/** ms; it stops its containers' leftovers and exits within seconds */
const ENGINE_STOP_TIMEOUT_MS = 30_000;
const DOCKERD_PATHS = ['/usr/sbin/dockerd', '/usr/bin/dockerd'];

const answers = async (): Promise<boolean> => (await run('docker', ['info', '--format', '{{.ServerVersion}}'])).code === 0;
const storageDriver = async (): Promise<string> => (await run('docker', ['info', '--format', '{{.Driver}}'])).stdout.trim();

/**
 * A Docker engine to test on: the one that answers, else a dockerd started here and stopped again by
 * stop(). dockerd picks its storage driver itself: overlay2 where the kernel mounts overlayfs (a cold
 * build then takes minutes), else down its list to vfs, which copies every layer whole (a cold build
 * then takes about 20 minutes on 2 cores). Its images stay in /var/lib/docker, so the next run builds
 * nothing it built before.
 */
export async function ensureEngine(): Promise<Engine> {
  if (await answers()) return { started: false, driver: await storageDriver(), stop: async () => {} };
  const dockerd = await firstExisting(DOCKERD_PATHS);
  if (!dockerd) throw new Error('no Docker engine answers and dockerd is not installed (apt-get install docker.io)');
  const dir = await mkdtemp(join(tmpdir(), 'interplay-dockerd-'));
  const log = join(dir, 'dockerd.log');
  const out = openSync(log, 'a');
  const child = spawn(dockerd, [], { stdio: ['ignore', out, out], detached: true });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + ENGINE_START_TIMEOUT_MS;
  while (!(await answers())) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`dockerd did not start; see ${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return {
    started: true,
    driver: await storageDriver(),
    log,
    async stop() {
      child.kill('SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), ENGINE_STOP_TIMEOUT_MS))]);
      if (!stopped) child.kill('SIGKILL');
    },
  };
}

/** Builds the stand-ins of the registry images that are missing (deploy/standins/build.sh). */
export async function ensureStandins(repo: string): Promise<void> {
  await runOk(join(repo, 'deploy/standins/build.sh'), [], { cwd: repo, timeoutMs: 900_000 });
}

async function firstExisting(paths: readonly string[]): Promise<string | undefined> {
  for (const path of paths) {
    if (await access(path).then(() => true, () => false)) return path;
  }
  return undefined;
}
