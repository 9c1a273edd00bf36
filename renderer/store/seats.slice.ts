/**
 * The seats (activated machines) of a license: loaded page by page with the license's capacity,
 * selected, exported, and deactivated in bulk by a job in the core that this slice polls for
 * progress (count, rate, time left) and may cancel. Whose seats is `seatAccess`: the active
 * license's own key (kept by the core), a license key its owner typed (held in this page's
 * memory only), or the signed-in administrator (whose token never reaches the page).
 */
import type { BulkProgress, BulkResult, ExportFormat, Seat, SeatAccess, SeatCapacity } from '../contract.js';
import { bridge } from '../bridge/bridge.js';
import { MAX_PAGES } from './paging.js';
import { refusalOf, type Refusal } from './refusal.js';
import type { SliceCreator } from './store.js';

/** `seats.list` page size (the contract's maximum). */
export const SEATS_PAGE_SIZE = 100;
/** How often a running bulk deactivation is asked for its progress. */
export const BULK_POLL_MS = 400;
/** Pages asked for at once once the first page has said how many seats there are. */
export const PAGES_AT_ONCE = 4;

export type SeatsView =
  | { readonly kind: 'idle' }
  /**
   * `partial` is what has arrived so far (shown as it comes, so the first rows appear after one
   * page, not a hundred); `previous` is the list shown before this load, kept until then.
   */
  | { readonly kind: 'loading'; readonly loaded: number; readonly total: number | null; readonly previous: readonly Seat[] | null; readonly partial: readonly Seat[] }
  | { readonly kind: 'loaded'; readonly seats: readonly Seat[] }
  | ({ readonly kind: 'failed' } & Refusal);

export type BulkStatus =
  | { readonly kind: 'idle' }
  | { readonly kind: 'working'; readonly progress: BulkProgress }
  | { readonly kind: 'done'; readonly outcome: BulkResult }
  | ({ readonly kind: 'failed' } & Refusal);

export interface SeatsSlice {
  readonly seatAccess: SeatAccess;
  readonly seats: SeatsView;
  readonly capacity: SeatCapacity | null;
  readonly seatSelection: ReadonlySet<string>;
  readonly bulk: BulkStatus;
  /** Loads every page of the seats and the capacity, switching access when given. */
  loadSeats(access?: SeatAccess): Promise<void>;
  /** Switches access without loading (the Seats screen loads when it opens). */
  chooseSeats(access: SeatAccess): void;
  /** Selects or unselects seats by id. */
  selectSeats(ids: readonly string[], selected: boolean): void;
  /** Starts a bulk deactivation, follows it until it finishes, then reloads the list. */
  deactivateSeats(ids: readonly string[]): Promise<void>;
  /** Stops the running bulk deactivation after its requests in flight. */
  cancelBulk(): Promise<void>;
  /** Every seat (those unseen for `unseenDays` days when given), as a download. */
  exportSeats(format: ExportFormat, unseenDays?: number): Promise<void>;
}

/** "3 seats", "1 seat". */
export function seatCount(count: number): string {
  return `${count.toLocaleString('en')} ${count === 1 ? 'seat' : 'seats'}`;
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const createSeatsSlice: SliceCreator<SeatsSlice> = (set, get) => {
  let latest = 0;
  return {
    seatAccess: { kind: 'active-license' },
    seats: { kind: 'idle' },
    capacity: null,
    seatSelection: new Set(),
    bulk: { kind: 'idle' },
    async loadSeats(access) {
      const request = ++latest;
      const shown = get().seats;
      const previous = access === undefined && shown.kind === 'loaded' ? shown.seats : null;
      if (access !== undefined) set({ seatAccess: access, seatSelection: new Set(), bulk: { kind: 'idle' }, capacity: null });
      set({ seats: { kind: 'loading', loaded: 0, total: null, previous, partial: [] } });
      const current = get().seatAccess;
      void bridge()
        .seats.capacity(current)
        .then((capacity) => {
          if (request === latest) set({ capacity: capacity.ok ? capacity.value : null });
        });
      const first = await bridge().seats.list(current, 1, SEATS_PAGE_SIZE);
      if (request !== latest) return;
      if (!first.ok) return set({ seats: { kind: 'failed', ...refusalOf(first) } });
      const pages: (readonly Seat[])[] = [first.value.data];
      const total = first.value.total ?? null;
      let arrived: Seat[] = [...first.value.data];
      const progress = (): void => set({ seats: { kind: 'loading', loaded: arrived.length, total, previous, partial: arrived } });
      if (first.value.next !== null && first.value.data.length > 0) {
        progress();
        let failure: Refusal | null = null;
        if (total !== null) {
          // The count says how many pages: a few at a time, put back in the server's order at the end.
          const count = Math.min(MAX_PAGES, Math.ceil(total / SEATS_PAGE_SIZE));
          let next = 2;
          const worker = async (): Promise<void> => {
            while (failure === null && next <= count && request === latest) {
              const number = next++;
              const page = await bridge().seats.list(current, number, SEATS_PAGE_SIZE);
              if (request !== latest) return;
              if (!page.ok) {
                failure ??= refusalOf(page);
                return;
              }
              pages[number - 1] = page.value.data;
              arrived = [...arrived, ...page.value.data];
              progress();
            }
          };
          await Promise.all(Array.from({ length: PAGES_AT_ONCE }, worker));
        } else {
          for (let page = 2; page <= MAX_PAGES; page += 1) {
            const result = await bridge().seats.list(current, page, SEATS_PAGE_SIZE);
            if (request !== latest) return;
            if (!result.ok) {
              failure = refusalOf(result);
              break;
            }
            pages.push(result.value.data);
            arrived = [...arrived, ...result.value.data];
            progress();
            if (result.value.next === null || result.value.data.length === 0) break;
          }
        }
        if (request !== latest) return;
        if (failure !== null) return set({ seats: { kind: 'failed', ...(failure as Refusal) } });
      }
      // Each seat once, in the server's order (a seat can move between pages while they are read).
      const seen = new Set<string>();
      const seats = pages.flat().filter((seat) => (seen.has(seat.id) ? false : (seen.add(seat.id), true)));
      // Keep only selections of seats that still exist.
      const ids = new Set(seats.map((seat) => seat.id));
      const selection = [...get().seatSelection].filter((id) => ids.has(id));
      set({ seats: { kind: 'loaded', seats }, seatSelection: new Set(selection) });
    },
    chooseSeats(access) {
      latest += 1;
      set({ seatAccess: access, seats: { kind: 'idle' }, seatSelection: new Set(), bulk: { kind: 'idle' }, capacity: null });
    },
    selectSeats(ids, selected) {
      const next = new Set(get().seatSelection);
      for (const id of ids) {
        if (selected) next.add(id);
        else next.delete(id);
      }
      set({ seatSelection: next });
    },
    async deactivateSeats(ids) {
      if (get().bulk.kind === 'working' || ids.length === 0) return;
      const started = await bridge().seats.bulkStart(get().seatAccess, ids);
      if (!started.ok) return set({ bulk: { kind: 'failed', ...refusalOf(started) } });
      let progress = started.value;
      set({ bulk: { kind: 'working', progress } });
      while (progress.state !== 'finished') {
        await wait(BULK_POLL_MS);
        const polled = await bridge().seats.bulkStatus(progress.jobId);
        if (!polled.ok) return set({ bulk: { kind: 'failed', ...refusalOf(polled) } });
        progress = polled.value;
        set({ bulk: { kind: 'working', progress } });
      }
      const outcome = progress.outcome as BulkResult;
      set({ bulk: { kind: 'done', outcome } });
      const freed = [...outcome.deactivated, ...outcome.alreadyGone];
      if (freed.length > 0) {
        get().notify(outcome.stopped === 'cancelled' ? `Cancelled after ${seatCount(freed.length)}.` : `Deactivated ${seatCount(freed.length)}.`);
        get().selectSeats(freed, false);
      }
      await get().loadSeats();
    },
    async cancelBulk() {
      const bulk = get().bulk;
      if (bulk.kind !== 'working') return;
      const cancelled = await bridge().seats.bulkCancel(bulk.progress.jobId);
      if (cancelled.ok && get().bulk.kind === 'working') set({ bulk: { kind: 'working', progress: cancelled.value } });
    },
    exportSeats(format, unseenDays) {
      const access = get().seatAccess;
      return get().download('seats', () => bridge().seats.export(access, format, unseenDays));
    },
  };
};
