import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runOk } from './exec.ts';

/** Where Debian keeps locally added CA certificates (update-ca-certificates), such as a TLS proxy's. */
const LOCAL_CA_DIR = '/usr/local/share/ca-certificates';
/** ms; a first build on the vfs driver copies every layer and compiles better-sqlite3 */
const BUILD_TIMEOUT_MS = 1_800_000;

export interface BuiltImage {
  readonly tag: string;
  /** ms the build took (a cached one takes seconds) */
  readonly buildMs: number;
  /** bytes, as `docker image ls` shows the size */
  readonly bytes: number;
}

/**
 * Builds the repository's Dockerfile with the classic builder (Debian 12's engine has no BuildKit). The
 * build stage reaches npm and apt through the host's network; when this machine trusts extra CA
 * certificates (a TLS-intercepting proxy), npm in the build trusts them too.
 */
export async function buildImage(repo: string, tag: string): Promise<BuiltImage> {
  const started = Date.now();
  const ca = await localCaCertificates();
  const args = ['build', '--network', 'host', '-t', tag, ...(ca ? ['--build-arg', `EXTRA_CA_CERTS=${ca}`] : []), repo];
  await runOk('docker', args, { env: { ...process.env, DOCKER_BUILDKIT: '0' }, timeoutMs: BUILD_TIMEOUT_MS });
  const buildMs = Date.now() - started;
  const bytes = Number((await runOk('docker', ['image', 'inspect', '--format', '{{.Size}}', tag])).stdout.trim());
  return { tag, buildMs, bytes };
}

async function localCaCertificates(): Promise<string | undefined> {
  const names = await readdir(LOCAL_CA_DIR).catch(() => [] as string[]);
  const pems = await Promise.all(names.filter((n) => n.endsWith('.crt')).sort().map((n) => readFile(join(LOCAL_CA_DIR, n), 'utf8')));
  return pems.length > 0 ? pems.join('\n') : undefined;
}
