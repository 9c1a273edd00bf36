/**
 * The seats slice: every page loaded with the license's capacity; access by this machine's
 * license, a license key, or the signed-in administrator; bulk deactivation as a job in the
 * core, polled for progress and cancellable; exports offered as downloads.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { BulkProgress, BulkResult, ExportFile } from '../../src/contract/admin.js';
import type { SeatAccess } from '../../src/contract/operations.js';
import type { Seat } from '../../src/licensing/manager.types.js';
import { installServices, setBridge } from '../../renderer/bridge/bridge.js';
import { SEATS_PAGE_SIZE, type SeatsView } from '../../renderer/store/seats.slice.js';
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
    return { ok: true, value: { data: seats.slice(from, from + size), next: from + size < seats.length ? String(page + 1) : null, total: seats.length } };
  };
}

const capacity: NonNullable<Handlers['seats:capacity']> = async () => ({ ok: true, value: { licenseId: 'license-9', name: 'Studio', used: 2, max: 3 } });

describe('seats slice: loading', () => {
  it('loads every page (the rest a few at a time once the count is known), showing what has arrived, and the capacity', async () => {
    const seats = Array.from({ length: 250 }, (_, index) => seat(index));
    const { bridge, calls } = fakeBridge({ 'seats:list': pagedSeats(seats), 'seats:capacity': capacity });
    setBridge(bridge);
    const seen: SeatsView[] = [];
    store.subscribe((state, previous) => {
      if (state.seats !== previous.seats) seen.push(state.seats);
    });
    await store.getState().loadSeats();
    const listed = calls.filter((call) => call.name === 'seats:list');
    expect(listed.map((call) => call.input)).toEqual([1, 2, 3].map((page) => ({ access: { kind: 'active-license' }, page, size: SEATS_PAGE_SIZE })));
    expect(store.getState().seats).toEqual({ kind: 'loaded', seats });
    expect(seen.filter((view) => view.kind === 'loading').map((view) => (view.kind === 'loading' ? [view.loaded, view.total, view.partial.length] : []))).toEqual([
      [0, null, 0],
      [100, 250, 100],
      [200, 250, 200],
      [250, 250, 250],
    ]);
    expect(store.getState().capacity).toEqual({ licenseId: 'license-9', name: 'Studio', used: 2, max: 3 });
  });

  it('switches to the signed-in administrator, or a license key, and keeps using it', async () => {
    const { bridge, calls } = fakeBridge({ 'seats:list': pagedSeats([seat(1)]), 'seats:capacity': capacity });
    setBridge(bridge);
    const admin: SeatAccess = { kind: 'admin-session', licenseId: 'license-9' };
    await store.getState().loadSeats(admin);
    await store.getState().loadSeats();
    const key: SeatAccess = { kind: 'license-key', licenseKey: 'KEY-1234-5678' };
    await store.getState().loadSeats(key);
    expect(calls.filter((call) => call.name === 'seats:list').map((call) => (call.input as { access: SeatAccess }).access)).toEqual([admin, admin, key]);
    expect(store.getState().seatAccess).toEqual(key);
  });

  it('choosing a license (from the Licenses screen) switches access without a request; the Seats screen then loads it', async () => {
    const { bridge, calls } = fakeBridge({ 'seats:list': pagedSeats([seat(1)]), 'seats:capacity': capacity });
    setBridge(bridge);
    await store.getState().loadSeats();
    store.getState().chooseSeats({ kind: 'admin-session', licenseId: 'license-7' });
    expect(store.getState().seats).toEqual({ kind: 'idle' });
    expect(store.getState().capacity).toBeNull();
    const before = calls.length;
    await store.getState().loadSeats();
    expect(calls.slice(before).map((call) => (call.input as { access: SeatAccess }).access)).toEqual([
      { kind: 'admin-session', licenseId: 'license-7' },
      { kind: 'admin-session', licenseId: 'license-7' },
    ]);
  });

  it('a refused list is failed with its code (NOT_ACTIVATED), and a failed capacity is simply not shown', async () => {
    const { bridge } = fakeBridge({ 'seats:list': async () => ({ ok: false, code: 'NOT_ACTIVATED', message: 'No license is installed on this machine.' }), 'seats:capacity': async () => ({ ok: false, code: 'NOT_ACTIVATED', message: 'x' }) });
    setBridge(bridge);
    await store.getState().loadSeats();
    expect(store.getState().seats).toEqual({ kind: 'failed', code: 'NOT_ACTIVATED', message: 'No license is installed on this machine.' });
    expect(store.getState().capacity).toBeNull();
  });

  it('without a count, follows next one page at a time, in order', async () => {
    const seats = Array.from({ length: 150 }, (_, index) => seat(index));
    const { bridge } = fakeBridge({
      'seats:list': async (input) => {
        const answer = await pagedSeats(seats)(input);
        return answer.ok ? { ok: true, value: { data: answer.value.data, next: answer.value.next } } : answer;
      },
      'seats:capacity': capacity,
    });
    setBridge(bridge);
    await store.getState().loadSeats();
    expect(store.getState().seats).toEqual({ kind: 'loaded', seats });
  });

  it('a page that fails part way fails the list with its code', async () => {
    const seats = Array.from({ length: 300 }, (_, index) => seat(index));
    const { bridge } = fakeBridge({
      'seats:list': async (input) => (input.page === 2 ? { ok: false, code: 'ISSUER_UNREACHABLE', message: 'down' } : pagedSeats(seats)(input)),
      'seats:capacity': capacity,
    });
    setBridge(bridge);
    await store.getState().loadSeats();
    expect(store.getState().seats).toEqual({ kind: 'failed', code: 'ISSUER_UNREACHABLE', message: 'down' });
  });

  it('stops on an empty page even if the server names a next one', async () => {
    const { bridge, calls } = fakeBridge({ 'seats:list': async () => ({ ok: true, value: { data: [], next: 'again' } }), 'seats:capacity': capacity });
    setBridge(bridge);
    await store.getState().loadSeats();
    expect(calls.filter((call) => call.name === 'seats:list')).toHaveLength(1);
    expect(store.getState().seats).toEqual({ kind: 'loaded', seats: [] });
  });
});

function progress(jobId: string, state: BulkProgress['state'], done: number, total: number, outcome: BulkResult | null = null): BulkProgress {
  return { jobId, state, total, deactivated: done, alreadyGone: 0, failed: 0, perSecond: 20, secondsLeft: (total - done) / 20, waitingSeconds: null, outcome };
}

describe('seats slice: bulk deactivation', () => {
  it('starts a job, polls its progress until it finishes, says what it did and reloads', async () => {
    let remaining = Array.from({ length: 60 }, (_, index) => seat(index));
    const ids = remaining.map((item) => item.id);
    const outcome: BulkResult = { deactivated: ids.slice(0, 58), alreadyGone: ['seat-58'], failed: [{ id: 'seat-59', code: 'ACCESS_DENIED', message: 'no' }], notAttempted: [], stopped: null };
    const polls = [progress('job-1', 'running', 30, 60), progress('job-1', 'finished', 59, 60, outcome)];
    const { bridge, calls } = fakeBridge({
      'seats:list': async (input) => pagedSeats(remaining)(input),
      'seats:capacity': capacity,
      'seats:bulk-start': async ({ ids: sent }) => ({ ok: true, value: progress('job-1', 'running', 0, sent.length) }),
      'seats:bulk-status': async () => {
        const next = polls.shift() as BulkProgress;
        if (next.state === 'finished') remaining = [seat(59)];
        return { ok: true, value: next };
      },
    });
    setBridge(bridge);
    await store.getState().loadSeats();
    store.getState().selectSeats(ids, true);
    const seen: number[] = [];
    store.subscribe((state) => {
      if (state.bulk.kind === 'working') seen.push(state.bulk.progress.deactivated);
    });
    await store.getState().deactivateSeats(ids);
    expect(calls.find((call) => call.name === 'seats:bulk-start')?.input).toEqual({ access: { kind: 'active-license' }, ids });
    expect(seen).toEqual([0, 30, 59]);
    expect(store.getState().bulk).toEqual({ kind: 'done', outcome });
    expect(store.getState().notices.map((notice) => notice.text)).toEqual(['Deactivated 59 seats.']);
    expect(store.getState().seats).toEqual({ kind: 'loaded', seats: [seat(59)] });
    expect([...store.getState().seatSelection]).toEqual(['seat-59']);
  });

  it('cancels the running job; the outcome says how many were not attempted', async () => {
    let cancelled = false;
    const outcome: BulkResult = { deactivated: ['seat-1'], alreadyGone: [], failed: [], notAttempted: ['seat-2', 'seat-3'], stopped: 'cancelled' };
    const { bridge, calls } = fakeBridge({
      'seats:list': pagedSeats([]),
      'seats:capacity': capacity,
      'seats:bulk-start': async () => ({ ok: true, value: progress('job-2', 'running', 0, 3) }),
      'seats:bulk-status': async () => ({ ok: true, value: cancelled ? progress('job-2', 'finished', 1, 3, outcome) : progress('job-2', 'running', 1, 3) }),
      'seats:bulk-cancel': async () => {
        cancelled = true;
        return { ok: true, value: progress('job-2', 'cancelling', 1, 3) };
      },
    });
    setBridge(bridge);
    const running = store.getState().deactivateSeats(['seat-1', 'seat-2', 'seat-3']);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await store.getState().cancelBulk();
    expect(store.getState().bulk).toMatchObject({ kind: 'working', progress: { state: 'cancelling' } });
    await running;
    expect(calls.find((call) => call.name === 'seats:bulk-cancel')?.input).toEqual({ jobId: 'job-2' });
    expect(store.getState().bulk).toEqual({ kind: 'done', outcome });
    expect(store.getState().notices.map((notice) => notice.text)).toEqual(['Cancelled after 1 seat.']);
  });

  it('a job that cannot start is failed with its code', async () => {
    const { bridge } = fakeBridge({ 'seats:bulk-start': async () => ({ ok: false, code: 'AUDIT_LOG_UNUSABLE', message: 'x' }) });
    setBridge(bridge);
    await store.getState().deactivateSeats(['seat-1']);
    expect(store.getState().bulk).toEqual({ kind: 'failed', code: 'AUDIT_LOG_UNUSABLE', message: 'x' });
  });
});

describe('seats slice: export', () => {
  it('asks the core for every seat (unseen ones when a number of days is given) and offers the file', async () => {
    const file: ExportFile = { fileName: 'tessera-seats.csv', mediaType: 'text/csv', text: 'id\r\n', rows: 0 };
    const { bridge, calls } = fakeBridge({ 'seats:export': async () => ({ ok: true, value: file }) });
    const downloads: ExportFile[] = [];
    installServices({ bridge, copyText: async () => false, saveTheme: () => undefined, download: (offered) => (downloads.push(offered), true) });
    await store.getState().exportSeats('csv', 30);
    expect(calls.map((call) => call.input)).toEqual([{ access: { kind: 'active-license' }, format: 'csv', unseenDays: 30 }]);
    expect(downloads).toEqual([file]);
    expect(store.getState().notices.map((notice) => notice.text)).toEqual(['Exported 0 seats (tessera-seats.csv).']);
  });

  it('an export that stopped is failed with its code, and nothing is offered', async () => {
    const { bridge } = fakeBridge({ 'seats:export': async () => ({ ok: false, code: 'EXPORT_INCOMPLETE', message: 'stopped at page 3 of 100' }) });
    const downloads: ExportFile[] = [];
    installServices({ bridge, copyText: async () => false, saveTheme: () => undefined, download: (offered) => (downloads.push(offered), true) });
    await store.getState().exportSeats('json');
    expect(store.getState().exportStatus).toEqual({ kind: 'failed', code: 'EXPORT_INCOMPLETE', message: 'stopped at page 3 of 100' });
    expect(downloads).toEqual([]);
  });
});
