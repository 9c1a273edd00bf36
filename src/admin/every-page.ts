/**
 * Every page of a server list, for exports and `--all`: the first page says how many there are
 * (`links.meta.count`), then the rest are fetched a few at a time and put back in order. The
 * answer is all of it, or exactly where it stopped: the page that failed, the pages in all,
 * and how many items had been read — never a partial list that looks complete.
 */
import type { Failure, Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import type { Page } from '../keygen/client.types.js';

/** Keygen's largest page. */
export const PAGE_SIZE = 100;
/** More pages than any real list: a server whose `next` never ends must not loop forever. */
const MAX_PAGES = 10_000;

/** Where a walk over the pages stopped, and why. */
export interface PagesStopped {
  readonly ok: false;
  readonly failure: Failure;
  /** The page that failed (from 1). */
  readonly page: number;
  /** The pages in all, when the server said. */
  readonly pages: number | null;
  /** Items read before it stopped. */
  readonly fetched: number;
  /** The list's length, when the server said. */
  readonly total: number | null;
}

export type EveryPage<T> = { readonly ok: true; readonly items: T[]; readonly total: number | null } | PagesStopped;

export interface EveryPageOptions {
  /** Pages fetched at once after the first; default 4. */
  readonly concurrency?: number;
  /** Called after each page with the items read so far and the total when known. */
  readonly onProgress?: (fetched: number, total: number | null) => void;
}

/** Fetches every page of `size` items with `fetchPage(n)`, keeping the server's order and dropping repeats (by `id`). */
export async function fetchEveryPage<T extends { readonly id: string }>(
  fetchPage: (number: number, size: number) => Promise<Result<Page<T>>>,
  options: EveryPageOptions = {},
): Promise<EveryPage<T>> {
  const size = PAGE_SIZE;
  const first = await fetchPage(1, size);
  if (!first.ok) return { ok: false, failure: first, page: 1, pages: null, fetched: 0, total: null };
  const total = first.value.total ?? null;
  const pages: (readonly T[] | undefined)[] = [first.value.data];
  let fetched = first.value.data.length;
  options.onProgress?.(fetched, total);

  if (total !== null) {
    // The count says how many pages there are: fetch them side by side.
    const count = Math.min(MAX_PAGES, Math.max(1, Math.ceil(total / size)));
    let nextPage = 2;
    const walk: { stopped: PagesStopped | null } = { stopped: null };
    const worker = async (): Promise<void> => {
      while (walk.stopped === null && nextPage <= count) {
        const number = nextPage++;
        const page = await fetchPage(number, size);
        if (!page.ok) {
          // The earliest failing page is the one reported.
          // (Another worker may have stopped meanwhile: read it afresh.)
          const earlier = walk.stopped as PagesStopped | null;
          if (earlier === null || number < earlier.page) walk.stopped = { ok: false, failure: page, page: number, pages: count, fetched, total };
          return;
        }
        pages[number - 1] = page.value.data;
        fetched += page.value.data.length;
        options.onProgress?.(fetched, total);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.floor(options.concurrency ?? 4)) }, worker));
    if (walk.stopped !== null) return walk.stopped;
  } else {
    let next = first.value.next;
    while (next !== null) {
      if (next <= pages.length || next > MAX_PAGES) break;
      const page = await fetchPage(next, size);
      if (!page.ok) return { ok: false, failure: page, page: next, pages: null, fetched, total };
      pages[next - 1] = page.value.data;
      fetched += page.value.data.length;
      options.onProgress?.(fetched, total);
      next = page.value.next;
    }
  }

  // Items can shift between pages while they are read (a seat deactivated meanwhile): each once.
  const seen = new Set<string>();
  const items: T[] = [];
  for (const page of pages) {
    for (const item of page ?? []) {
      if (seen.has(item.id)) continue;
      seen.add(item.id);
      items.push(item);
    }
  }
  return { ok: true, items, total };
}

/** "stopped at page 37 of 100, after 3,600 of 10,000 items (ISSUER_UNREACHABLE)". */
export function describeStop(stop: PagesStopped, noun: string): string {
  const of = stop.pages === null ? '' : ` of ${stop.pages}`;
  const items = stop.total === null ? `${stop.fetched.toLocaleString('en')} ${noun}` : `${stop.fetched.toLocaleString('en')} of ${stop.total.toLocaleString('en')} ${noun}`;
  return `stopped at page ${stop.page}${of}, after ${items} (${stop.failure.code}: ${stop.failure.message})`;
}

/**
 * The failure to report for a walk that stopped: its cause itself when nothing was read yet (an
 * unknown license, a refused token), else EXPORT_INCOMPLETE saying exactly where it stopped.
 */
export function stopFailure(stop: PagesStopped, noun: string): Failure {
  if (stop.page === 1 && stop.fetched === 0) return stop.failure;
  return { ...fail('EXPORT_INCOMPLETE'), detail: describeStop(stop, noun) } as Failure;
}
