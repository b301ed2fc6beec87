/**
 * Lists of the API come a page at a time: `?limit=` items (50 unless said, at most 200) after
 * `?cursor=`, and the body's `next` is the address of the next page (`nextCursor` its cursor),
 * null on the last. A cursor names the last item of its page by its key, not a count, so an item
 * added or removed meanwhile moves no other from one page to the next: each is listed once.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ApiProblem } from './problems';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

export const pagingFields = {
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT).describe(`How many items a page holds (1–${MAX_LIMIT})`),
  cursor: z.string().max(400).optional().describe('Where the page starts: the nextCursor of the page before'),
  lang: z.enum(['sv', 'en']).optional().describe('The language of problems, instead of Accept-Language'),
};
export const pagingQuery = z.strictObject(pagingFields);

/** A page's envelope around its items' schema. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('The cursor of the next page; null on the last'),
    next: z.string().nullable().describe('The address of the next page; null on the last'),
  });
}

export const encodeCursor = (key: string) => Buffer.from(key, 'utf8').toString('base64url');

/** The key a cursor names; one the API did not make is the caller's problem (400). */
export function decodeCursor(cursor: string | undefined, badCursor: string): string | undefined {
  if (cursor === undefined) return undefined;
  const key = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!key || encodeCursor(key) !== cursor) throw new ApiProblem('bad-request', badCursor, [{ in: 'querystring', field: 'cursor', message: badCursor }]);
  return key;
}

/** The address of the page after the one that ended at `key`, with the request's other query fields. */
function nextAddress(request: FastifyRequest, cursor: string): string {
  const url = new URL(request.url, 'http://api');
  url.searchParams.set('cursor', cursor);
  return `${url.pathname}${url.search}`;
}

/**
 * A page of `items`, which are in the order of `keyOf` (ascending, unique): those after the
 * cursor's key, `limit` of them.
 */
export function pageOf<T>(request: FastifyRequest, items: readonly T[], keyOf: (item: T) => string, query: { limit: number; cursor?: string | undefined }, badCursor: string) {
  const after = decodeCursor(query.cursor, badCursor);
  const rest = after === undefined ? items : items.filter((item) => keyOf(item) > after);
  const shown = rest.slice(0, query.limit);
  const last = shown.at(-1);
  const nextCursor = rest.length > shown.length && last !== undefined ? encodeCursor(keyOf(last)) : null;
  return { items: [...shown], nextCursor, next: nextCursor ? nextAddress(request, nextCursor) : null };
}

/** A page read with keyset paging elsewhere (the database): its envelope from the items and whether more follow. */
export function pageFrom<T>(request: FastifyRequest, shown: T[], more: boolean, keyOf: (item: T) => string) {
  const last = shown.at(-1);
  const nextCursor = more && last !== undefined ? encodeCursor(keyOf(last)) : null;
  return { items: shown, nextCursor, next: nextCursor ? nextAddress(request, nextCursor) : null };
}

/** Sorts by a key in the byte order the cursor compares with. */
export function byKey<T>(keyOf: (item: T) => string) {
  return (a: T, b: T) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0);
}
