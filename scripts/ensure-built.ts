/** For the benchmarks that measure built code: a checkout's dist/, built first when it is stale. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loaderChoice } from '../bin/source-stamp.js';

/** Builds `root` with its own build script unless its dist/ matches its sources; exits 1, named after `script`, when the build fails. */
export function ensureBuilt(root: string, script: string): void {
  if (loaderChoice(root).kind === 'dist') return;
  console.error(`building ${root}`);
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.js')], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (build.status !== 0 || loaderChoice(root).kind !== 'dist' || !existsSync(join(root, 'dist'))) {
    console.error(`${script}: the build of ${root} failed`);
    process.exit(1);
  }
}
