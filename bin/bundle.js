// esbuild's bundling of the sources into dist/cli/, shared by `npm run build` (scripts/build.js, after
// its type check) and bin/interplay, which builds on demand where there is no dist/ yet (a fresh clone).
// Plain JavaScript because it runs before anything is compiled. See docs/build.md.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STAMP_FILE, sourceStamp } from './source-stamp.js';

/**
 * The packages the bundle leaves to node_modules: native addons load their .node binary from their own
 * directory; pg-native is pg's optional binding and react-devtools-core ink's (DEV=true only): neither
 * is installed, neither is loaded. The image's runtime stage copies the installed ones and what they
 * need (scripts/runtime-modules.js), and no other package.
 */
export const EXTERNAL_PACKAGES = ['better-sqlite3', '@node-rs/argon2', 'pg-native', 'react-devtools-core'];

/**
 * Bundles src/ into `out`: one file per entry point plus the chunks its dynamic imports load, instead
 * of ~2,400 modules from src/ and node_modules (resolving, reading and compiling those was most of a
 * child's start). Every output sits in out/cli/, so the paths the code builds from import.meta.url
 * (../../package.json, ../../bin/interplay, ./hello-server.js) point where they point from src/cli/.
 * @param {string} root the checkout's directory
 * @param {string} out the output directory
 * @param {{ metafile?: boolean }} [opts]
 */
export async function bundle(root, out, opts = {}) {
  // esbuild is a development dependency, loaded only when a build is asked for.
  const { build } = await import('esbuild');
  return build({
    absWorkingDir: root,
    // A link process loads cli/link.js, the relay alone, not the CLI (docs/simulate.md).
    entryPoints: { 'cli/main': 'src/cli/main.ts', 'cli/link': 'src/runtime/links/link-main.ts', 'cli/hello-server': 'src/measure/calibrate/hello-server.ts' },
    outdir: out,
    chunkNames: 'cli/[name]-[hash]',
    bundle: true,
    // A dynamic import stays a separate file, loaded only when called: a service loads its own
    // style's wiring, not the other commands, the dashboard or the OpenTelemetry SDK.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL_PACKAGES,
    // CommonJS packages bundled into ES modules still call require() for Node's built-ins.
    banner: { js: "import { createRequire as __interplayRequire } from 'node:module'; const require = __interplayRequire(import.meta.url);" },
    // Error and class names stay what the sources say (messages and logs print them).
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: opts.metafile === true,
  });
}

/**
 * Where there is no dist/ at all: bundles into a directory beside and renames it to dist/, so a process
 * never sees half a dist/. Processes started together (the children of a fresh clone's first `up`) may
 * all build; the first rename wins and the others drop theirs (a rename onto a non-empty directory
 * fails). Without the type check of `npm run build`: tsx, the alternative, does not check types either.
 * @param {string} root the checkout's directory
 * @returns {Promise<boolean>} whether dist/ is there now
 */
export async function buildOnDemand(root) {
  const dist = join(root, 'dist');
  const building = mkdtempSync(join(root, '.dist-building-'));
  try {
    // Taken before bundling: a source saved meanwhile leaves dist/ stale, never wrongly fresh.
    const stamp = sourceStamp(root);
    await bundle(root, building);
    writeFileSync(join(building, STAMP_FILE), `${stamp}\n`);
    try {
      renameSync(building, dist);
    } catch (error) {
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    }
    return true;
  } catch {
    return false;
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
}
