/**
 * Keygen's expiry arithmetic: `time + ActiveSupport::Duration.build(seconds)`.
 *
 * Keygen computes certificate expiries (`meta.expiry = issued + Duration.build(ttl)`), license
 * expiries (`now + Duration.build(policy.duration)`) and renewals this way. `build` splits the
 * seconds greedily into calendar-sized parts and Rails then adds each part on the calendar, in
 * order, so the result is usually not `issued + ttl` (protocol §1.4): 31536000 s from
 * 2024-04-10T14:57:45.517Z is 2025-04-09T19:37:39.517Z, not 2025-04-10T14:57:45.517Z.
 * Keygen runs in UTC, so every step here is in UTC and a day is always 86400 s.
 */

/** Seconds in each part, as ActiveSupport::Duration::PARTS_IN_SECONDS defines them. */
export const SECONDS_PER_PART = {
  years: 31_556_952, // 365.2425 days
  months: 2_629_746, // a twelfth of that
  weeks: 604_800,
  days: 86_400,
  hours: 3_600,
  minutes: 60,
} as const;

/** The parts of a duration, each carrying the duration's sign (as `Duration.build` leaves them). */
export interface DurationParts {
  readonly years: number;
  readonly months: number;
  readonly weeks: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
}

const MS_PER_SECOND = 1000;
const MS_PER_DAY = SECONDS_PER_PART.days * MS_PER_SECOND;

function toMs(from: Date | number): number {
  const ms = typeof from === 'number' ? from : from.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`Invalid time: ${String(from)}`);
  return ms;
}

function assertWholeSeconds(seconds: number): void {
  if (!Number.isSafeInteger(seconds)) throw new RangeError(`Duration must be a whole number of seconds, got ${seconds}`);
}

/**
 * Splits `seconds` the way `ActiveSupport::Duration.build` does: greedily into years, months,
 * weeks, days, hours, minutes and seconds of the absolute value, each part then given the
 * sign of `seconds`. Throws a RangeError for anything but a whole number of seconds.
 */
export function splitDuration(seconds: number): DurationParts {
  assertWholeSeconds(seconds);
  const sign = seconds < 0 ? -1 : 1;
  let remainder = Math.abs(seconds);
  const take = (size: number): number => {
    const count = Math.floor(remainder / size);
    remainder -= count * size;
    return count * sign || 0; // `|| 0` keeps -0 out of the result
  };
  const years = take(SECONDS_PER_PART.years);
  const months = take(SECONDS_PER_PART.months);
  const weeks = take(SECONDS_PER_PART.weeks);
  const days = take(SECONDS_PER_PART.days);
  const hours = take(SECONDS_PER_PART.hours);
  const minutes = take(SECONDS_PER_PART.minutes);
  return { years, months, weeks, days, hours, minutes, seconds: remainder * sign || 0 };
}

/** Days in each month of a common year; February is decided by `isLeapYear`. */
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** Proleptic Gregorian leap years, as Ruby's `Date` (and JavaScript's `Date`) use. */
const isLeapYear = (year: number): boolean => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

/**
 * Moves a UTC time by whole calendar months, keeping the time of day and clamping the day of
 * month to the target month's last day (Ruby `Date#>>`: Jan 31 + 1 month = Feb 28 or 29).
 */
function addCalendarMonths(ms: number, months: number): number {
  if (months === 0) return ms;
  const date = new Date(ms);
  const monthIndex = date.getUTCFullYear() * 12 + date.getUTCMonth() + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const daysInMonth = month === 1 ? (isLeapYear(year) ? 29 : 28) : DAYS_IN_MONTH[month]!;
  const result = new Date(ms);
  // setUTCFullYear with all three fields, so no intermediate day overflows into another month.
  result.setUTCFullYear(year, month, Math.min(date.getUTCDate(), daysInMonth));
  return result.getTime();
}

/**
 * Adds duration parts to a time the way `ActiveSupport::Duration#since` does: one part at a
 * time, in the order years, months, weeks, days, hours, minutes, seconds. Years and months move
 * on the calendar (each step clamps the day of month), weeks and days move whole UTC days, the
 * rest moves seconds. Negative parts move back (`Duration#ago` is `sum(-1, time)`).
 */
export function advanceByParts(from: Date | number, parts: Partial<DurationParts>): Date {
  let ms = toMs(from);
  // `Time#advance(years: n)` is `Date#>> (n * 12)`: one calendar step, clamped once.
  ms = addCalendarMonths(ms, (parts.years ?? 0) * 12);
  ms = addCalendarMonths(ms, parts.months ?? 0);
  ms += ((parts.weeks ?? 0) * 7 + (parts.days ?? 0)) * MS_PER_DAY;
  ms += ((parts.hours ?? 0) * SECONDS_PER_PART.hours + (parts.minutes ?? 0) * SECONDS_PER_PART.minutes + (parts.seconds ?? 0)) * MS_PER_SECOND;
  return new Date(ms);
}

/**
 * `from + ActiveSupport::Duration.build(seconds)`: Keygen's expiry for a TTL or policy duration,
 * to the millisecond. Throws a RangeError for an invalid time or a non-whole number of seconds.
 */
export function addKeygenDuration(from: Date | number, seconds: number): Date {
  return advanceByParts(from, splitDuration(seconds));
}
