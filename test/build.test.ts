import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAMP_FILE, sourceStamp } from '../bin/source-stamp.js';

/**
 * `npm run build` and the rule bin/interplay follows: compiled dist/ while it matches the sources,
 * the sources through tsx otherwise. It works on a copy of the checkout, so touching a source here
 * never makes the real dist/ stale for the tests running beside it.
 */

const REPO = fileURLToPath(new URL('..', import.meta.url));
const SECRET = 'build-test-service-secret-0123456789abcdef';

interface Exit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node file args` to its end, or until `until` matches its stdout (then SIGTERM, and its exit). */
function node(file: string, args: readonly string[], env: Record<string, string> = {}, until?: RegExp): Promise<Exit & { matched?: string }> {
  const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...env } });
  let stdout = '';
  let stderr = '';
  let matched: string | undefined;
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    const m = until && matched === undefined ? until.exec(stdout) : null;
    if (m) {
      matched = m[1] ?? m[0];
      child.emit('matched');
    }
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr, matched }));
  });
}

/** `node --import` this: a hook that writes `loaded URL` on stderr for every file: module imported. */
const LOAD_LOGGER = `data:text/javascript,${encodeURIComponent(
  `import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(
    "export async function load(url, context, next) { const r = await next(url, context); if (url.startsWith('file:')) process.stderr.write('loaded ' + url + '\\n'); return r; }",
  )}));`,
)}`;

let root: string;
const bin = () => join(root, 'bin', 'interplay');
const loader = { INTERPLAY_DEBUG_LOADER: '1' };

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'interplay-build-'));
  for (const entry of ['bin', 'scripts', 'src', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']) {
    cpSync(join(REPO, entry), join(root, entry), { recursive: true });
  }
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  const build = await node(join(root, 'scripts', 'build.js'), []);
  expect(build.code, build.stderr + build.stdout).toBe(0);
}, 180_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('npm run build', () => {
  it('compiles src/ to dist/ that plain node runs: `node dist/cli/main.js --help` lists the commands', async () => {
    const help = await node(join(root, 'dist', 'cli', 'main.js'), ['--help']);
    expect(help.code, help.stderr).toBe(0);
    for (const command of ['up', 'scenario', 'bench', 'dashboard', 'report', 'service']) expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('leaves the tests out of dist/', async () => {
    const { readdirSync } = await import('node:fs');
    const files = readdirSync(join(root, 'dist'), { recursive: true }).map(String);
    expect(files.filter((f) => /\.test\.js$/.test(f))).toEqual([]);
    expect(files).toContain(join('cli', 'main.js'));
  });

  /**
   * `node bin/interplay ARGS` until its ready line: its /health's status, then SIGTERM. Every module it
   * imported, as a path (a loader hook, registered before bin/interplay runs, writes each on stderr).
   */
  async function readyAndStopped(args: readonly string[], env: Record<string, string>): Promise<{ health: number; code: number | null; stderr: string; loaded: string[] }> {
    const child = spawn(process.execPath, ['--import', LOAD_LOGGER, bin(), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const m = /^ready (\S+)/m.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('close', (code) => reject(new Error(`exited ${code} before ready: ${stderr}`)));
    });
    const health = (await fetch(`${url}/health`)).status;
    child.kill('SIGTERM');
    const code = await exited;
    return { health, code, stderr, loaded: [...stderr.matchAll(/^loaded (file:\S+)$/gm)].map((m) => fileURLToPath(m[1]!)) };
  }

  it('bin/interplay runs the fresh dist/, and `interplay service` from it serves /health and stops on SIGTERM with 0', async () => {
    const data = mkdtempSync(join(tmpdir(), 'interplay-build-data-'));
    try {
      const env = { ...loader, INTERPLAY_SERVICE_SECRET: SECRET, INTERPLAY_AUTH_URL: 'http://127.0.0.1:9', INTERPLAY_PORT: '0', INTERPLAY_DATA_DIR: data };
      const { health, code, stderr, loaded } = await readyAndStopped(['service', 'billing'], env);
      expect(code).toBe(0);
      expect(health).toBe(200);
      expect(stderr).toMatch(/^interplay: runs dist\/: dist\/ is fresh$/m);
      // The bundle: its code comes from dist/, of node_modules only the native addons esbuild leaves out.
      expect(loaded).toContain(join(root, 'dist', 'cli', 'main.js'));
      const ours = (f: string) => f.startsWith(join(root, 'dist') + '/') || f.startsWith(join(root, 'bin') + '/');
      expect(loaded.filter((f) => !ours(f) && !f.includes('/node_modules/better-sqlite3/'))).toEqual([]);
      expect(loaded.length).toBeLessThan(100);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  }, 60_000);

  it('`interplay link` loads the relay alone, not the CLI: dist/cli/link.js when fresh, a handful of sources through tsx otherwise', async () => {
    const spec = { name: 'order>billing', host: '127.0.0.1', statusPort: 0, profile: { latencyMs: 1, jitterMs: 0 }, routes: [{ port: 0, target: { host: '127.0.0.1', port: 9 } }], seed: 1 };
    const env = { ...loader, INTERPLAY_LINK: JSON.stringify(spec) };
    const bundled = await readyAndStopped(['link'], env);
    expect(bundled.health).toBe(200);
    expect(bundled.code).toBe(0);
    expect(bundled.stderr).toMatch(/^interplay: runs dist\/: dist\/ is fresh$/m);
    const fromDist = bundled.loaded.filter((f) => f.startsWith(join(root, 'dist') + '/'));
    expect(fromDist).toContain(join(root, 'dist', 'cli', 'link.js'));
    expect(fromDist).not.toContain(join(root, 'dist', 'cli', 'main.js'));
    // link.js and the small chunks it shares with the CLI (the relay, the supervisor protocol, the seeded
    // random): tens of kilobytes, where a service loads megabytes; and no package at all.
    const { statSync } = await import('node:fs');
    expect(fromDist.reduce((bytes, f) => bytes + statSync(f).size, 0)).toBeLessThan(32 * 1024);
    expect(bundled.loaded.filter((f) => f.includes('/node_modules/'))).toEqual([]);

    const sources = await readyAndStopped(['link'], { ...env, INTERPLAY_SOURCES: '1' });
    expect(sources.health).toBe(200);
    expect(sources.code).toBe(0);
    const fromSrc = sources.loaded.filter((f) => f.startsWith(join(root, 'src') + '/')).map((f) => f.slice(root.length + 1)).sort();
    expect(fromSrc).toEqual(['src/model/random.ts', 'src/runtime/links/link-main.ts', 'src/runtime/links/link-process.ts', 'src/runtime/links/relay.ts', 'src/runtime/supervised.ts']);
  }, 60_000);
});

describe('a stale dist/ is never run', () => {
  it('a source saved after the build: bin/interplay runs src/ through tsx', async () => {
    const file = join(root, 'src', 'cli', 'errors.ts');
    const later = new Date(Date.now() + 5_000);
    utimesSync(file, later, later);
    const help = await node(bin(), ['--help'], loader);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stderr).toMatch(/^interplay: runs src\/ through tsx: src\/ changed after the last `npm run build`$/m);
    expect(help.stdout).toMatch(/^  service\b/m);
  }, 60_000);

  it('what a changed source says is what runs, not what dist/ was built from', async () => {
    const file = join(root, 'src', 'cli', 'main.ts');
    const { readFileSync } = await import('node:fs');
    const before = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, before.replace('Runs one microservice system', 'Runs one changed microservice system'));
      const help = await node(bin(), ['--help']);
      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout).toMatch(/Runs one changed microservice system/);
    } finally {
      writeFileSync(file, before);
    }
  }, 60_000);

  it('INTERPLAY_SOURCES=1 runs the sources beside a fresh dist/', async () => {
    writeFileSync(join(root, 'dist', STAMP_FILE), `${sourceStamp(root)}\n`);
    expect((await node(bin(), ['--version'], loader)).stderr).toMatch(/runs dist\//);
    const version = await node(bin(), ['--version'], { ...loader, INTERPLAY_SOURCES: '1' });
    expect(version.code, version.stderr).toBe(0);
    expect(version.stderr).toMatch(/^interplay: runs src\/ through tsx: INTERPLAY_SOURCES=1$/m);
  }, 60_000);

  it('a source file added after the build makes dist/ stale too', async () => {
    // Stamped as the build stamps, without compiling again: the compiled output is the same.
    writeFileSync(join(root, 'dist', STAMP_FILE), `${sourceStamp(root)}\n`);
    expect((await node(bin(), ['--version'], loader)).stderr).toMatch(/runs dist\//);
    mkdirSync(join(root, 'src', 'extra'), { recursive: true });
    writeFileSync(join(root, 'src', 'extra', 'note.ts'), 'export const note = 1;\n');
    const version = await node(bin(), ['--version'], loader);
    expect(version.code).toBe(0);
    expect(version.stderr).toMatch(/runs src\/ through tsx/);
  }, 60_000);

  /** Runs `check` with the built dist/ moved aside, then puts it back. */
  const withoutDist = async (check: () => Promise<void>) => {
    renameSync(join(root, 'dist'), join(root, 'dist.away'));
    try {
      await check();
    } finally {
      rmSync(join(root, 'dist'), { recursive: true, force: true });
      renameSync(join(root, 'dist.away'), join(root, 'dist'));
    }
  };

  it('a fresh clone (no dist/): the first command builds dist/ on demand and runs it', () =>
    withoutDist(async () => {
      const version = await node(bin(), ['--version'], loader);
      expect(version.code, version.stderr).toBe(0);
      expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
      expect(version.stderr).toMatch(/^interplay: runs dist\/: no dist\/: built it on demand$/m);
      expect((await node(bin(), ['--version'], loader)).stderr).toMatch(/^interplay: runs dist\/: dist\/ is fresh$/m);
    }), 60_000);

  it('a build that failed (an empty dist/) is not built over: the sources run through tsx', () =>
    withoutDist(async () => {
      mkdirSync(join(root, 'dist'));
      const version = await node(bin(), ['--version'], loader);
      expect(version.code, version.stderr).toBe(0);
      expect(version.stderr).toMatch(/^interplay: runs src\/ through tsx: no dist\/: `npm run build` compiles it$/m);
    }), 60_000);

  it('without src/ (an image holds only dist/) bin/interplay runs dist/ without checking', async () => {
    renameSync(join(root, 'src'), join(root, 'src.away'));
    try {
      const version = await node(bin(), ['--version'], loader);
      expect(version.code, version.stderr).toBe(0);
      expect(version.stderr).toMatch(/^interplay: runs dist\/: no sources beside dist\/$/m);
    } finally {
      renameSync(join(root, 'src.away'), join(root, 'src'));
    }
  });
});
