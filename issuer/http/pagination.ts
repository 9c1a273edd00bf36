/**
 * Keygen's list paging (keygen-api `Pagination`, `Pageable`, `Limitable`): `page[number]` and
 * `page[size]` (1–100) give a paginated list with `links` {self, prev, next, first, last,
 * meta: {pages, count}}; without `page`, `limit` (1–100, default 10) cuts the list and no
 * links are sent. Links are path + Rails-style query, credentials (`token`, `auth`) removed.
 */
import type { Window } from '../db/paging.js';
import { badRequest } from './errors.js';
import { toRailsQuery, type Query } from './query.js';

/** A request's paging, parsed. */
export type Paging =
  | { readonly mode: 'page'; readonly number: number; readonly size: number; readonly window: Window }
  | { readonly mode: 'limit'; readonly window: Window };

/** JSON:API pagination links, Keygen's shape. */
export interface PaginationLinks {
  readonly self: string;
  readonly prev: string | null;
  readonly next: string | null;
  readonly first: string;
  readonly last: string;
  readonly meta: { readonly pages: number; readonly count: number };
}

const DEFAULT_LIMIT = 10;
const MAX_SIZE = 100;
/** Ruby's `String#to_i`: leading digits (with sign), else 0. */
const toI = (text: string): number => Number(/^\s*[-+]?\d+/.exec(text)?.[0] ?? 0);

/** Parses `page[…]`/`limit`. Throws Keygen's 400 with `source.parameter` for out-of-range values. */
export function parsePaging(query: Query): Paging {
  const page = query.page;
  if (page !== undefined) {
    if (typeof page === 'string') throw badRequest('page must be an object', { source: { parameter: 'page' } });
    const number = toI(page.number ?? '1');
    const size = toI(page.size ?? String(DEFAULT_LIMIT));
    if (number < 1) throw badRequest(`page number must be a number greater than 0 (got ${number})`, { source: { parameter: 'page' } });
    if (size < 1 || size > MAX_SIZE) {
      throw badRequest(`page size must be a number between 1 and ${MAX_SIZE} (got ${size})`, { source: { parameter: 'page' } });
    }
    return { mode: 'page', number, size, window: { limit: size, offset: (number - 1) * size } };
  }
  const rawLimit = query.limit;
  const limit = rawLimit === undefined ? DEFAULT_LIMIT : typeof rawLimit === 'string' ? toI(rawLimit) : 0;
  if (limit < 1 || limit > MAX_SIZE) {
    throw badRequest(`limit must be a number between 1 and ${MAX_SIZE} (got ${limit})`, { source: { parameter: 'limit' } });
  }
  return { mode: 'limit', window: { limit, offset: 0 } };
}

/** The `links` member of a paginated list; undefined in limit mode (Keygen sends none). */
export function paginationLinks(path: string, query: Query, paging: Paging, total: number): PaginationLinks | undefined {
  if (paging.mode !== 'page') return undefined;
  const { number, size } = paging;
  const pages = Math.ceil(total / size);
  const rest = Object.fromEntries(Object.entries(query).filter(([key]) => key !== 'token' && key !== 'auth' && key !== 'page'));
  const link = (n: number): string => `${path}?${toRailsQuery({ ...rest, page: { number: String(n), size: String(size) } })}`;
  const outOfRange = number > pages;
  return {
    self: link(number),
    prev: number > 1 && !outOfRange ? link(number - 1) : null,
    next: number < pages ? link(number + 1) : null,
    first: link(1),
    last: link(Math.max(1, pages)),
    meta: { pages, count: total },
  };
}
