import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, runOk } from './exec.ts';

/** `docker compose` (v2, a plugin of the client) where it is installed, else Debian's docker-compose v1. */
export async function composeCommand(): Promise<readonly string[]> {
  return (await run('docker', ['compose', 'version'])).code === 0 ? ['docker', 'compose'] : ['docker-compose'];
}

export interface ProjectOptions {
  readonly repo: string;
  /** unique per run, so runs side by side (and their volumes) never meet */
  readonly name: string;
  /** the values the env file holds beside the random secrets (INTERPLAY_STYLE, INTERPLAY_GATEWAY_PORT) */
  readonly env: Readonly<Record<string, string>>;
  /** compose profiles to enable (nats-cluster) */
  readonly profiles?: readonly string[];
}

export interface Container {
  readonly id: string;
  readonly service: string;
  /** compose's replica number */
  readonly number: number;
}

/** ms for compose commands: creating a container copies the image's files on the vfs driver */
const COMPOSE_TIMEOUT_MS = 600_000;

/**
 * One compose project of the repository's docker-compose.yml, with an env file of its own holding
 * fresh random credentials, as a user's .env would.
 */
export class ComposeProject {
  private constructor(
    private readonly opts: ProjectOptions,
    private readonly command: readonly string[],
    private readonly dir: string,
    readonly envFile: string,
    /** the shared service secret the env file holds, for the checker's service token */
    readonly serviceSecret: string,
  ) {}

  static async create(opts: ProjectOptions): Promise<ComposeProject> {
    const dir = await mkdtemp(join(tmpdir(), `${opts.name}-`));
    const serviceSecret = randomBytes(32).toString('hex');
    const env = { INTERPLAY_SERVICE_SECRET: serviceSecret, POSTGRES_PASSWORD: randomBytes(16).toString('hex'), ...opts.env };
    const envFile = join(dir, 'env');
    await writeFile(envFile, Object.entries(env).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
    return new ComposeProject(opts, await composeCommand(), dir, envFile, serviceSecret);
  }

  get name(): string {
    return this.opts.name;
  }

  /** Runs a compose subcommand on this project; throws with its output when it fails. */
  compose(args: readonly string[], timeoutMs = COMPOSE_TIMEOUT_MS) {
    const [file, ...pre] = this.command;
    const profiles = (this.opts.profiles ?? []).flatMap((p) => ['--profile', p]);
    const full = [...pre, ...profiles, '--project-directory', this.opts.repo, '-f', join(this.opts.repo, 'docker-compose.yml'), '--env-file', this.envFile, '-p', this.opts.name, ...args];
    // Removing a container on the vfs driver deletes a whole copy of its image: longer than compose v1's
    // default 60 s HTTP read timeout when several go at once.
    const env = { ...process.env, COMPOSE_HTTP_TIMEOUT: String(Math.ceil(timeoutMs / 1000)) };
    return runOk(file!, full, { cwd: this.opts.repo, timeoutMs, env });
  }

  /** Waits for every container to run and be healthy (deploy/compose-wait.sh, as `npm run compose:wait`). */
  async waitHealthy(timeoutSeconds: number): Promise<void> {
    await runOk(join(this.opts.repo, 'deploy/compose-wait.sh'), [this.opts.name, String(timeoutSeconds)], { timeoutMs: (timeoutSeconds + 30) * 1000 });
  }

  async containers(service?: string): Promise<Container[]> {
    const filters = ['--filter', `label=com.docker.compose.project=${this.opts.name}`];
    if (service) filters.push('--filter', `label=com.docker.compose.service=${service}`);
    const format = '{{.ID}} {{.Label "com.docker.compose.service"}} {{.Label "com.docker.compose.container-number"}}';
    const { stdout } = await runOk('docker', ['ps', '-a', ...filters, '--format', format]);
    return stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [id, svc, number] = line.split(' ');
        return { id: id!, service: svc!, number: Number(number) };
      })
      .sort((a, b) => a.service.localeCompare(b.service) || a.number - b.number);
  }

  /** The container's address on the project's network: the host reaches it over the bridge. */
  async address(containerId: string): Promise<string> {
    const { stdout } = await runOk('docker', ['inspect', '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}', containerId]);
    const ip = stdout.trim().split(' ')[0];
    if (!ip) throw new Error(`container ${containerId} has no address`);
    return ip;
  }

  /** Stops and removes the containers, the network and the named volumes, and the env file. */
  async down(): Promise<void> {
    try {
      await this.compose(['down', '-v', '--remove-orphans', '--timeout', '10']);
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }
}
