/** Every page of a list: in order, a few at a time once the count is known, each item once, and exactly where it stopped when a page fails. */
import { describe, expect, it } from 'vitest';
import { describeStop, fetchEveryPage, stopFailure } from '../../src/admin/every-page.js';
import { fail } from '../../src/contract/messages.js';
import type { Result } from '../../src/contract/codes.js';
import type { Page } from '../../src/keygen/client.types.js';

const items = (count: number) => Array.from({ length: count }, (_, index) => ({ id: `item-${index}` }));

function pager(all: { id: string }[], options: { total?: boolean; failAt?: number } = {}) {
  const asked: number[] = [];
  let inFlight = 0;
  let most = 0;
  const fetchPage = async (number: number, size: number): Promise<Result<Page<{ id: string }>>> => {
    asked.push(number);
    inFlight += 1;
    most = Math.max(most, inFlight);
    // Later pages answer sooner: the order must still be the server's.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 20 - number)));
    inFlight -= 1;
    if (number === options.failAt) return fail('ISSUER_UNREACHABLE');
    const from = (number - 1) * size;
    return { ok: true, value: { data: all.slice(from, from + size), next: from + size < all.length ? number + 1 : null, ...(options.total === false ? {} : { total: all.length }) } };
  };
  return { fetchPage, asked, most: () => most };
}

describe('every page', () => {
  it('reads 1,050 items in 11 pages, four at a time after the first, in the server\'s order', async () => {
    const all = items(1050);
    const server = pager(all);
    const progress: number[] = [];
    const walked = await fetchEveryPage(server.fetchPage, { onProgress: (fetched) => progress.push(fetched) });
    expect(walked).toEqual({ ok: true, items: all, total: 1050 });
    expect(server.asked.sort((a, b) => a - b)).toEqual(Array.from({ length: 11 }, (_, index) => index + 1));
    expect(server.most()).toBe(4);
    expect(progress.at(-1)).toBe(1050);
  });

  it('follows next one page at a time when the server gives no count', async () => {
    const all = items(250);
    const walked = await fetchEveryPage(pager(all, { total: false }).fetchPage);
    expect(walked).toEqual({ ok: true, items: all, total: null });
  });

  it('says exactly where it stopped: the page, the pages in all, the items read', async () => {
    const walked = await fetchEveryPage(pager(items(1000), { failAt: 7 }).fetchPage, { concurrency: 1 });
    expect(walked).toMatchObject({ ok: false, page: 7, pages: 10, fetched: 600, total: 1000, failure: { code: 'ISSUER_UNREACHABLE' } });
    if (walked.ok) throw new Error('expected a stop');
    expect(describeStop(walked, 'seats')).toBe('stopped at page 7 of 10, after 600 of 1,000 seats (ISSUER_UNREACHABLE: The licensing server could not be reached.)');
    expect(stopFailure(walked, 'seats')).toMatchObject({ ok: false, code: 'EXPORT_INCOMPLETE' });
  });

  it('a first page that fails is reported as its own cause (an unknown license, a refused token)', async () => {
    const walked = await fetchEveryPage(async () => fail('ADMIN_LICENSE_NOT_FOUND'));
    if (walked.ok) throw new Error('expected a stop');
    expect(stopFailure(walked, 'seats')).toMatchObject({ code: 'ADMIN_LICENSE_NOT_FOUND' });
  });

  it('keeps each item once when the list shifts between pages', async () => {
    const walked = await fetchEveryPage(async (number) => ({ ok: true, value: { data: number === 1 ? [{ id: 'a' }, { id: 'b' }] : [{ id: 'b' }, { id: 'c' }], next: number === 1 ? 2 : null, total: 101 } }));
    expect(walked).toMatchObject({ ok: true, items: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] });
  });
});
