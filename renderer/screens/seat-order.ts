/** Filtering and ordering seats for the table (display only: which seats exist is the core's answer). */
import { unseenFor, type Seat } from '../contract.js';

export type SeatSortKey = 'name' | 'platform' | 'lastHeartbeat' | 'created' | 'lastSeen';
export interface SeatSort {
  readonly key: SeatSortKey;
  readonly direction: 'ascending' | 'descending';
}

/** The name a seat is shown by: its name, else its hostname, else its id. */
export function seatLabel(seat: Seat): string {
  return seat.name ?? seat.hostname ?? seat.id;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function sortValue(seat: Seat, key: SeatSortKey): string | null {
  switch (key) {
    case 'name':
      return seatLabel(seat);
    case 'platform':
      return seat.platform;
    case 'lastHeartbeat':
      return seat.lastHeartbeat;
    case 'created':
      return seat.created;
    case 'lastSeen':
      return seat.lastSeen;
  }
}

/** A sorted copy; seats without a value come last in either direction, ties keep the server's order. */
export function sortSeats(seats: readonly Seat[], sort: SeatSort): readonly Seat[] {
  const sign = sort.direction === 'ascending' ? 1 : -1;
  const dates = sort.key === 'lastHeartbeat' || sort.key === 'created' || sort.key === 'lastSeen';
  return seats
    .map((seat, index) => ({ seat, index, value: sortValue(seat, sort.key) }))
    .sort((a, b) => {
      if (a.value === null || b.value === null) return a.value === b.value ? a.index - b.index : a.value === null ? 1 : -1;
      // ISO 8601 dates order as strings.
      const order = dates ? (a.value < b.value ? -1 : a.value > b.value ? 1 : 0) : collator.compare(a.value, b.value);
      return order === 0 ? a.index - b.index : sign * order;
    })
    .map((entry) => entry.seat);
}

/**
 * The seats whose name, hostname, platform or fingerprint contains `query` (case-insensitive),
 * and, when `unseenDays` is given, that have not been seen for that many days at `now` (the
 * core computes each seat's last sign of life; `unseenFor` is the contract's one rule for it).
 */
export function filterSeats(seats: readonly Seat[], query: string, unseenDays: number | null = null, now = Date.now()): readonly Seat[] {
  const needle = query.trim().toLowerCase();
  if (needle === '' && unseenDays === null) return seats;
  return seats.filter(
    (seat) =>
      (needle === '' || [seat.name, seat.hostname, seat.platform, seat.fingerprint].some((value) => value !== null && value.toLowerCase().includes(needle))) &&
      (unseenDays === null || unseenFor(seat, unseenDays, now)),
  );
}
