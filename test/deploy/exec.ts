import { execFile } from 'node:child_process';

export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** ms; default 120000 */
  readonly timeoutMs?: number;
}

/** Runs a command to its end and returns what it printed; never throws for a non-zero exit. */
export function run(file: string, args: readonly string[], opts: RunOptions = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      file,
      [...args],
      { cwd: opts.cwd, env: opts.env, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) || (error && !stderr ? error.message : '') });
      },
    );
  });
}

/** Runs a command and throws with its output when it fails. */
export async function runOk(file: string, args: readonly string[], opts: RunOptions = {}): Promise<Ran> {
  const ran = await run(file, args, opts);
  if (ran.code !== 0) throw new Error(`${file} ${args.join(' ')} exited ${ran.code}:\n${ran.stderr}\n${ran.stdout}`.slice(0, 8000));
  return ran;
}
