import { execFileSync } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export class PostgresNotFound extends Error {
  override readonly name = 'PostgresNotFound';
  readonly code = 'RUNTIME.POSTGRES_NOT_FOUND';
  constructor(searched: readonly string[], options?: ErrorOptions) {
    // One line, as the CLI prints it.
    super(
      `PostgreSQL's server programs (initdb, postgres) were not found (looked in: ${searched.join(', ')}); ` +
        'install them (Debian/Ubuntu: apt-get install postgresql, macOS: brew install postgresql), set PG_BIN to their directory, ' +
        'or pass --database-url postgres://USER:PASSWORD@HOST:PORT (or set DATABASE_URL)',
      options,
    );
  }
}

const executable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

const hasServer = (dir: string): boolean => executable(join(dir, 'initdb')) && executable(join(dir, 'postgres'));

/** Debian keeps each major version's server programs apart: /usr/lib/postgresql/15/bin. Highest first. */
function debianDirs(root = '/usr/lib/postgresql'): string[] {
  try {
    return readdirSync(root)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a))
      .map((v) => join(root, v, 'bin'));
  } catch {
    return [];
  }
}

function pgConfigBindir(): string[] {
  try {
    // pg_config ships with the client package too, so its bindir may hold no server; checked below.
    return [execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5_000 }).trim()];
  } catch {
    return [];
  }
}

/**
 * The directory with initdb and postgres: $PG_BIN (or `binDir`) when set, else `pg_config --bindir`,
 * else the highest version under /usr/lib/postgresql, else PATH.
 */
export function findPostgresBinaries(binDir?: string): string {
  const explicit = binDir ?? process.env['PG_BIN'];
  const candidates = explicit
    ? [explicit]
    : [...pgConfigBindir(), ...debianDirs(), ...(process.env['PATH'] ?? '').split(delimiter).filter((d) => d !== '')];
  const found = candidates.find(hasServer);
  if (!found) throw new PostgresNotFound([...new Set(candidates)]);
  return found;
}

/** The OS account the server runs as when this process is root. */
export interface ServerAccount {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/**
 * initdb and postgres refuse to run as root (a server that owns the machine is one exploit away
 * from losing it). As root, they run as the `postgres` account that Debian's package creates; as
 * anyone else, as that user. Returns undefined when no switch is needed.
 */
export function serverAccount(): ServerAccount | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const name = process.env['PG_USER_ACCOUNT'] ?? 'postgres';
  let passwd = '';
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    // reported below
  }
  const line = passwd.split('\n').find((l) => l.startsWith(`${name}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new PostgresNotFound([`an OS account "${name}" to run the server as (PostgreSQL refuses to run as root)`]);
  }
  return { name, uid: Number(uid), gid: Number(gid) };
}

/** The command that runs `program` as `account`: setpriv execs in place, so the pid is the program's own. */
export function asAccount(account: ServerAccount | undefined, program: string, args: readonly string[]): [string, string[]] {
  if (!account) return [program, [...args]];
  return ['setpriv', [`--reuid=${account.uid}`, `--regid=${account.gid}`, '--init-groups', '--', program, ...args]];
}
