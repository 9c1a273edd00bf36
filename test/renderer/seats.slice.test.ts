/** The seats slice: every page loaded, and bulk deactivation in batches of 25 with progress. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { SeatAccess } from '../../src/contract/operations.js';
import type { Seat } from '../../src/licensing/manager.types.js';
import { setBridge } from '../../renderer/bridge/bridge.js';
import { DEACTIVATION_BATCH, SEATS_PAGE_SIZE, type SeatsView } from '../../renderer/store/seats.slice.js';
import { resetStore, store } from '../../renderer/store/store.js';
import { fakeBridge, type Handlers } from './fake-bridge.js';
import { seat } from './fixtures.js';

beforeEach(() => {
  resetStore();
  setBridge(null);
});

/** A `seats:list` handler paging `seats` by number, as the core does. */
function pagedSeats(seats: Seat[]): NonNullable<Handlers['seats:list']> {
  return async ({ page = 1, size = 10 }) => {
    const from = (page - 1) * size;
    return { ok: true, value: { data: seats.slice(from, from + size), next: from + size < seats.length ? String(page + 1) : null } };
  };
}

describe('seats slice: loading', () => {
  it('loads page after page until next is null, reporting how many are loaded', async () => {
    const seats = Array.from({ length: 250 }, (_, index) => seat(index));
    const { bridge, calls } = fakeBridge({ 'seats:list': pagedSeats(seats) });
    setBridge(bridge);
    const seen: SeatsView[] = [];
    store.subscribe((state) => seen.push(state.seats));
    await store.getState().loadSeats();
    expect(calls.map((call) => call.input)).toEqual([1, 2, 3].map((page) => ({ access: { kind: 'active-license' }, page, size: SEATS_PAGE_SIZE })));
    expect(store.getState().seats).toEqual({ kind: 'loaded', seats });
    expect(seen.filter((view) => view.kind === 'loading').map((view) => (view.kind === 'loading' ? view.loaded : -1))).toEqual([0, 100, 200]);
  });

  it('switches to an administrator token and keeps using it', async () => {
    const { bridge, calls } = fakeBridge({ 'seats:list': pagedSeats([seat(1)]) });
    setBridge(bridge);
    const admin: SeatAccess = { kind: 'admin', adminToken: 'admin-token', licenseId: 'license-9' };
    await store.getState().loadSeats(admin);
    await store.getState().loadSeats();
    expect(calls.map((call) => (call.input as { access: SeatAccess }).access)).toEqual([admin, admin]);
    expect(store.getState().seatAccess).toEqual(admin);
  });

  it('a refused list is failed with its code (NOT_ACTIVATED)', async () => {
    const { bridge } = fakeBridge({ 'seats:list': async () => ({ ok: false, code: 'NOT_ACTIVATED', message: 'No license is installed on this machine.' }) });
    setBridge(bridge);
    await store.getState().loadSeats();
    expect(store.getState().seats).toEqual({ kind: 'failed', code: 'NOT_ACTIVATED', message: 'No license is installed on this machine.' });
  });

  it('stops on an empty page even if the server names a next one', async () => {
    const { bridge, calls } = fakeBridge({ 'seats:list': async () => ({ ok: true, value: { data: [], next: 'again' } }) });
    setBridge(bridge);
    await store.getState().loadSeats();
    expect(calls).toHaveLength(1);
    expect(store.getState().seats).toEqual({ kind: 'loaded', seats: [] });
  });
});

describe('seats slice: bulk deactivation', () => {
  it('sends batches of 25, reports progress, sums the outcome, says so and reloads', async () => {
    let remaining = Array.from({ length: 60 }, (_, index) => seat(index));
    const batches: string[][] = [];
    const { bridge, calls } = fakeBridge({
      'seats:list': async (input) => pagedSeats(remaining)(input),
      'seats:deactivate': async ({ ids }) => {
        batches.push([...ids]);
        // seat-7 cannot be deactivated; everything else goes.
        const failed = ids.filter((id) => id === 'seat-7').map((id) => ({ id, code: 'ACCESS_DENIED' as const, message: 'These credentials may not perform this action.' }));
        const deactivated = ids.filter((id) => id !== 'seat-7');
        remaining = remaining.filter((item) => !deactivated.includes(item.id));
        return { ok: true, value: { deactivated, failed } };
      },
    });
    setBridge(bridge);
    await store.getState().loadSeats();
    const ids = Array.from({ length: 60 }, (_, index) => `seat-${index}`);
    store.getState().selectSeats(ids, true);
    const progress: [number, number][] = [];
    store.subscribe((state) => {
      if (state.bulk.kind === 'working') progress.push([state.bulk.done, state.bulk.total]);
    });
    await store.getState().deactivateSeats(ids);

    expect(batches.map((batch) => batch.length)).toEqual([25, 25, 10]);
    expect(batches.flat()).toEqual(ids);
    expect(DEACTIVATION_BATCH).toBe(25);
    expect(progress).toEqual([
      [0, 60],
      [25, 60],
      [50, 60],
      [60, 60],
    ]);
    const bulk = store.getState().bulk;
    expect(bulk.kind).toBe('done');
    if (bulk.kind === 'done') {
      expect(bulk.deactivated).toHaveLength(59);
      expect(bulk.failed).toEqual([{ id: 'seat-7', code: 'ACCESS_DENIED', message: 'These credentials may not perform this action.' }]);
    }
    expect(store.getState().notices.map((notice) => notice.text)).toEqual(['Deactivated 59 seats.']);
    // Reloaded: only the seat that failed is left, and it stays selected.
    expect(calls.filter((call) => call.name === 'seats:list').length).toBe(2);
    expect(store.getState().seats).toEqual({ kind: 'loaded', seats: [seat(7)] });
    expect([...store.getState().seatSelection]).toEqual(['seat-7']);
  });

  it('a refused batch marks each of its seats failed with the code, and the next batches still run', async () => {
    let call = 0;
    const { bridge } = fakeBridge({
      'seats:list': pagedSeats([]),
      'seats:deactivate': async ({ ids }) => {
        call += 1;
        return call === 1 ? { ok: false, code: 'ISSUER_UNREACHABLE', message: 'The licensing server could not be reached.' } : { ok: true, value: { deactivated: [...ids], failed: [] } };
      },
    });
    setBridge(bridge);
    const ids = Array.from({ length: 30 }, (_, index) => `seat-${index}`);
    await store.getState().deactivateSeats(ids);
    const bulk = store.getState().bulk;
    expect(bulk.kind === 'done' && bulk.failed.map((failure) => [failure.id, failure.code])).toEqual(ids.slice(0, 25).map((id) => [id, 'ISSUER_UNREACHABLE']));
    expect(bulk.kind === 'done' && bulk.deactivated).toEqual(ids.slice(25));
    expect(store.getState().notices.map((notice) => notice.text)).toEqual(['Deactivated 5 seats.']);
  });

  it('says "1 seat" for one', async () => {
    const { bridge } = fakeBridge({ 'seats:list': pagedSeats([]), 'seats:deactivate': async ({ ids }) => ({ ok: true, value: { deactivated: [...ids], failed: [] } }) });
    setBridge(bridge);
    await store.getState().deactivateSeats(['seat-1']);
    expect(store.getState().notices.map((notice) => notice.text)).toEqual(['Deactivated 1 seat.']);
  });
});
