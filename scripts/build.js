// `npm run build`: type-checks src/ (tsconfig.build.json), bundles each entry point with esbuild into
// dist/ and stamps the result, so bin/interplay runs dist/ only while it matches the sources.
// `--out DIR` builds elsewhere (tests). See docs/build.md.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { STAMP_FILE, sourceStamp } from '../bin/source-stamp.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = process.argv.indexOf('--out');
const out = at > 0 && process.argv[at + 1] ? resolve(process.argv[at + 1]) : join(root, 'dist');
// `--metafile FILE`: esbuild's account of which source went into which output file, and its bytes.
const metaAt = process.argv.indexOf('--metafile');
const metafile = metaAt > 0 && process.argv[metaAt + 1] ? resolve(process.argv[metaAt + 1]) : undefined;
// Taken before compiling: a source saved during the build leaves dist/ stale, never wrongly fresh.
const stamp = sourceStamp(root);
// A whole rebuild: a deleted or renamed source must not leave its old output behind to be imported.
rmSync(out, { recursive: true, force: true });
const fail = (what) => {
  process.stderr.write(`interplay build: ${what} failed; ${out} has no stamp, so bin/interplay keeps running the sources\n`);
  process.exit(1);
};

// esbuild strips types without checking them: a build with type errors is no build.
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const check = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--noEmit'], { stdio: 'inherit' });
if (check.status !== 0) fail('the type check');

// One file per entry point plus the chunks its dynamic imports load, instead of ~2,400 modules from
// src/ and node_modules: resolving, reading and compiling those was most of a child's start.
// Every output sits in dist/cli/, so the paths the code builds from import.meta.url (../../package.json,
// ../../bin/interplay, ./hello-server.js) point where they point from src/cli/.
try {
  const result = await build({
    absWorkingDir: root,
    entryPoints: { 'cli/main': 'src/cli/main.ts', 'cli/hello-server': 'src/measure/calibrate/hello-server.ts' },
    outdir: out,
    chunkNames: 'cli/[name]-[hash]',
    bundle: true,
    // A dynamic import stays a separate file, loaded only when called: a service loads its own
    // style's wiring, not the other commands, the dashboard or the OpenTelemetry SDK.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Native addons load their .node binary from their own directory; pg-native is pg's optional
    // binding and react-devtools-core ink's (DEV=true only): neither is installed, neither is loaded.
    external: ['better-sqlite3', '@node-rs/argon2', 'pg-native', 'react-devtools-core'],
    // CommonJS packages bundled into ES modules still call require() for Node's built-ins.
    banner: { js: "import { createRequire as __interplayRequire } from 'node:module'; const require = __interplayRequire(import.meta.url);" },
    // Error and class names stay what the sources say (messages and logs print them).
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: metafile !== undefined,
  });
  if (metafile) writeFileSync(metafile, JSON.stringify(result.metafile));
} catch {
  fail('esbuild');
}
writeFileSync(join(out, STAMP_FILE), `${stamp}\n`);
