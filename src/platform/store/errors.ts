import { describeServer, type ServerAddress } from './config.ts';

/**
 * PostgreSQL could not be used at all: it did not answer, refused the login, or has no such
 * database. The message is one line naming host, port and cause, never the password.
 */
export class DatabaseUnreachable extends Error {
  override readonly name = 'DatabaseUnreachable';
  readonly code = 'STORE.DATABASE_UNREACHABLE';
  constructor(address: ServerAddress, cause: unknown) {
    super(`PostgreSQL at ${describeServer(address)} (user ${address.user}): ${causeOf(cause)}`, { cause });
  }
}

/** What went wrong, in words a user can act on. */
function causeOf(error: unknown): string {
  const e = error as { code?: string; message?: string } | undefined;
  switch (e?.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the server running, on this port?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ETIMEDOUT':
      return 'no answer (timed out)';
    case '28P01':
      return 'password authentication failed';
    case '28000':
      return 'login refused (pg_hba.conf has no entry for this user and address)';
    case '3D000':
      return `${e.message ?? 'database does not exist'}`;
    default:
      return (e?.message ?? String(error)).split('\n')[0] ?? 'unknown error';
  }
}

/** SQLSTATE classes and codes of a database that is gone or going, not of a bad statement. */
const UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '53300', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'connection timeout',
  'Client has encountered a connection error',
  'Client was closed',
  'timeout exceeded when trying to connect',
];

/**
 * Whether a failed query failed because the database is unavailable (stopped, restarting, a
 * terminated connection, no connection to be had) rather than because of the query: such a request
 * may be retried later, and answers 503 with Retry-After. Class 08 is connection exceptions.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof DatabaseUnreachable) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => message.includes(m))) return true;
  }
  return false;
}

/**
 * PostgreSQL's deadlock detector chose this statement to fail (SQLSTATE 40P01): another transaction
 * waited for a lock this one holds while this one waited for one of its. Only this statement failed;
 * a rollback to a savepoint before it releases the locks taken since, and the work may run again.
 */
export function isDeadlock(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === '40P01';
}
