/**
 * The seats (activated machines) of a license, for admins: loaded page by page, selected, and
 * deactivated in batches with progress. Whose seats is `seatAccess`: the active license's own
 * key (kept by the core), or an administrator token held in memory for this page only.
 */
import type { BulkOutcome, Seat, SeatAccess } from '../contract.js';
import { bridge } from '../bridge/bridge.js';
import { MAX_PAGES } from './paging.js';
import { refusalOf, type Refusal } from './refusal.js';
import type { SliceCreator } from './store.js';

/** `seats.list` page size (the contract's maximum). */
export const SEATS_PAGE_SIZE = 100;
/** Seats per `seats.deactivate` call: small enough for steady progress, large enough to be quick. */
export const DEACTIVATION_BATCH = 25;

export type SeatsView =
  | { readonly kind: 'idle' }
  /** `previous` is the list shown before this load, kept on screen while it reloads. */
  | { readonly kind: 'loading'; readonly loaded: number; readonly previous: readonly Seat[] | null }
  | { readonly kind: 'loaded'; readonly seats: readonly Seat[] }
  | ({ readonly kind: 'failed' } & Refusal);

export type BulkStatus =
  | { readonly kind: 'idle' }
  | { readonly kind: 'working'; readonly done: number; readonly total: number }
  | { readonly kind: 'done'; readonly deactivated: readonly string[]; readonly failed: BulkOutcome['failed'] };

export interface SeatsSlice {
  readonly seatAccess: SeatAccess;
  readonly seats: SeatsView;
  readonly seatSelection: ReadonlySet<string>;
  readonly bulk: BulkStatus;
  /** Loads every page of the seats, switching access when given. */
  loadSeats(access?: SeatAccess): Promise<void>;
  /** Selects or unselects seats by id. */
  selectSeats(ids: readonly string[], selected: boolean): void;
  /** Deactivates the seats in batches of DEACTIVATION_BATCH, then reloads the list. */
  deactivateSeats(ids: readonly string[]): Promise<void>;
}

/** "3 seats", "1 seat". */
export function seatCount(count: number): string {
  return `${count} ${count === 1 ? 'seat' : 'seats'}`;
}

export const createSeatsSlice: SliceCreator<SeatsSlice> = (set, get) => {
  let latest = 0;
  return {
    seatAccess: { kind: 'active-license' },
    seats: { kind: 'idle' },
    seatSelection: new Set(),
    bulk: { kind: 'idle' },
    async loadSeats(access) {
      const request = ++latest;
      const shown = get().seats;
      const previous = access === undefined && shown.kind === 'loaded' ? shown.seats : null;
      if (access !== undefined) set({ seatAccess: access, seatSelection: new Set(), bulk: { kind: 'idle' } });
      set({ seats: { kind: 'loading', loaded: 0, previous } });
      const seats: Seat[] = [];
      for (let page = 1; page <= MAX_PAGES; page += 1) {
        const result = await bridge().seats.list(get().seatAccess, page, SEATS_PAGE_SIZE);
        if (request !== latest) return;
        if (!result.ok) return set({ seats: { kind: 'failed', ...refusalOf(result) } });
        seats.push(...result.value.data);
        if (result.value.next === null || result.value.data.length === 0) break;
        set({ seats: { kind: 'loading', loaded: seats.length, previous } });
      }
      // Keep only selections of seats that still exist.
      const ids = new Set(seats.map((seat) => seat.id));
      const selection = [...get().seatSelection].filter((id) => ids.has(id));
      set({ seats: { kind: 'loaded', seats }, seatSelection: new Set(selection) });
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
      const access = get().seatAccess;
      const deactivated: string[] = [];
      const failed: BulkOutcome['failed'][number][] = [];
      set({ bulk: { kind: 'working', done: 0, total: ids.length } });
      for (let start = 0; start < ids.length; start += DEACTIVATION_BATCH) {
        const batch = ids.slice(start, start + DEACTIVATION_BATCH);
        const result = await bridge().seats.deactivate(access, batch);
        if (result.ok) {
          deactivated.push(...result.value.deactivated);
          failed.push(...result.value.failed);
        } else {
          failed.push(...batch.map((id) => ({ id, code: result.code, message: result.message })));
        }
        set({ bulk: { kind: 'working', done: Math.min(start + batch.length, ids.length), total: ids.length } });
      }
      set({ bulk: { kind: 'done', deactivated, failed } });
      if (deactivated.length > 0) {
        get().notify(`Deactivated ${seatCount(deactivated.length)}.`);
        get().selectSeats(deactivated, false);
      }
      await get().loadSeats();
    },
  };
};
