import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { PAGE_LIMIT, type Page, type PageRequest } from '../../services/kernel/index.ts';

/**
 * Query strings are validated without coercion (as every part is), so `limit` is matched as the
 * text of an integer from 1 to 100 and parsed here.
 */
export const PageQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.String({ pattern: '^(100|[1-9][0-9]?)$', description: `items per page, an integer from ${PAGE_LIMIT.min} to ${PAGE_LIMIT.max}; default ${PAGE_LIMIT.default}` }),
    ),
    cursor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 256, pattern: '^[A-Za-z0-9_-]+$', description: 'opaque; from the previous page\'s Link rel="next"' }),
    ),
  },
  { additionalProperties: false },
);
export type PageQuery = Static<typeof PageQuery>;

/**
 * A page answers with the same JSON array the unpaged list did (the course's Postman collection and
 * existing clients read an array); where the next page is goes in an RFC 8288 Link header.
 */
export const pageResponse = (items: TSchema) => ({
  type: 'array',
  items,
  headers: {
    link: Type.String({ description: 'RFC 8288 `<path?limit=…&cursor=…>; rel="next"`, absent on the last page' }),
  },
});

export const pageRequest = (query: PageQuery): PageRequest => ({
  ...(query.limit === undefined ? {} : { limit: Number(query.limit) }),
  ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
});

/** Sends the page's items, with a Link to the next page when there is one. */
export function sendPage<T>(reply: FastifyReply, path: string, query: PageQuery, page: Page<T>): FastifyReply {
  if (page.next !== null) {
    const next = new URLSearchParams({ limit: query.limit ?? String(PAGE_LIMIT.default), cursor: page.next });
    void reply.header('link', `<${path}?${next.toString()}>; rel="next"`);
  }
  return reply.send(page.items);
}
