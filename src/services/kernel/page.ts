import { err, ok, type Result } from '../../model/result.ts';

/**
 * Keyset pages of newest-first lists. A page ends at its last row's (created_at, id), and the next
 * page starts strictly below that pair. Unlike OFFSET, rows inserted while a client pages (they are
 * newer, so they sort above the first page) neither shift nor repeat what the client reads next.
 */

/** page sizes a client may ask for; 100 bounds the work of one request */
export const PAGE_LIMIT = { default: 20, min: 1, max: 100 } as const;

export interface PageRequest {
  /** rows per page, 1–100; default 20 */
  readonly limit?: number;
  /** the `next` of the previous page; absent for the first page */
  readonly cursor?: string;
}

export interface Page<T> {
  readonly items: T[];
  /** opaque; null on the last page */
  readonly next: string | null;
}

/** where a page ended: the last row's sort key */
export interface PagePosition {
  /** ms since the epoch */
  readonly createdAt: number;
  readonly id: string;
}

interface KeyedRow {
  readonly created_at: number;
  readonly id: string;
}

export const pageLimit = (request: PageRequest): number =>
  Math.min(PAGE_LIMIT.max, Math.max(PAGE_LIMIT.min, Math.trunc(request.limit ?? PAGE_LIMIT.default)));

/**
 * The cursor names its list, so a cursor of one list handed to another is refused rather than
 * read as a position in the wrong table. Clients must treat it as opaque; the encoding may change.
 */
export const encodeCursor = (list: string, at: PagePosition): string =>
  Buffer.from(JSON.stringify([list, at.createdAt, at.id])).toString('base64url');

/** undefined when `cursor` is not one `list` issued */
export function decodeCursor(list: string, cursor: string): PagePosition | undefined {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(decoded) || decoded.length !== 3) return undefined;
  const [name, createdAt, id] = decoded as unknown[];
  if (name !== list || typeof id !== 'string' || id.length === 0 || id.length > 64) return undefined;
  if (typeof createdAt !== 'number' || !Number.isSafeInteger(createdAt) || createdAt < 0) return undefined;
  return { createdAt, id };
}

export interface PageQuery<R extends KeyedRow, T, E> {
  /** names the list in its cursors */
  readonly list: string;
  readonly request: PageRequest;
  /** the error a cursor this list did not issue is */
  readonly invalidCursor: () => E;
  /** reads up to `take` rows newest first, strictly below `after` when given */
  readonly read: (after: PagePosition | undefined, take: number) => Promise<R[]>;
  readonly toItem: (row: R) => T;
}

/** One page of a list; the caller only says how its rows are read. */
export async function readPage<R extends KeyedRow, T, E>(q: PageQuery<R, T, E>): Promise<Result<Page<T>, E>> {
  const after = q.request.cursor === undefined ? undefined : decodeCursor(q.list, q.request.cursor);
  if (q.request.cursor !== undefined && !after) return err(q.invalidCursor());
  const limit = pageLimit(q.request);
  return ok(toPage(await q.read(after, limit + 1), limit, q.list, q.toItem));
}

/**
 * `rows` were read with `limit + 1`: the extra row only says whether another page exists, so the
 * last page says `next: null` instead of sending the client to an empty one.
 */
export function toPage<R extends KeyedRow, T>(rows: readonly R[], limit: number, list: string, toItem: (row: R) => T): Page<T> {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  const next = rows.length > limit && last ? encodeCursor(list, { createdAt: Number(last.created_at), id: last.id }) : null;
  return { items: shown.map(toItem), next };
}
