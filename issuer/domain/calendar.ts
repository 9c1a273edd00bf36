/**
 * Calendar arithmetic for the list filters (`expires[in]=30d`), the way
 * Rails does it: ISO 8601 durations, added with `Time#advance` in UTC (years and months first,
 * clamping the day to the month's end, then weeks and days, then clock time).
 */

/** An ISO 8601 duration, by component. */
export interface CalendarDuration {
  readonly years: number;
  readonly months: number;
  readonly weeks: number;
  readonly days: number;
  readonly seconds: number;
}

const NUMBER = String.raw`(\d+(?:[.,]\d+)?)`;
const ISO_DURATION = new RegExp(
  `^P(?:${NUMBER}Y)?(?:${NUMBER}M)?(?:${NUMBER}W)?(?:${NUMBER}D)?(?:T(?:${NUMBER}H)?(?:${NUMBER}M)?(?:${NUMBER}S)?)?$`,
);
/** ActiveSupport's lengths for fractional calendar units (`ActiveSupport::Duration::PARTS_IN_SECONDS`). */
const SECONDS_PER = { year: 31_556_952, month: 2_629_746, week: 604_800, day: 86_400 } as const;

const part = (value: string | undefined): number => (value === undefined ? 0 : Number(value.replace(',', '.')));

/**
 * Parses a filter duration as Keygen does: all digits are seconds (`2629746`), anything else is
 * an ISO 8601 duration with or without its `P` (`30d`, `P1M`, `PT12H`), case-insensitive.
 * Returns null for anything unparseable (Keygen then matches nothing).
 */
export function parseFilterDuration(text: string): CalendarDuration | null {
  if (/^\d+$/.test(text)) return { years: 0, months: 0, weeks: 0, days: 0, seconds: Number(text) };
  const iso = `P${text.replace(/^P/, '').toUpperCase()}`;
  const match = ISO_DURATION.exec(iso);
  if (match === null || iso === 'P' || iso.endsWith('T')) return null;
  const [, y, mo, w, d, h, mi, s] = match;
  const whole = (value: number): number => Math.trunc(value);
  const years = part(y);
  const months = part(mo);
  const weeks = part(w);
  const days = part(d);
  // Fractions of calendar units become seconds, as ActiveSupport does.
  const fractional =
    (years - whole(years)) * SECONDS_PER.year +
    (months - whole(months)) * SECONDS_PER.month +
    (weeks - whole(weeks)) * SECONDS_PER.week +
    (days - whole(days)) * SECONDS_PER.day;
  return {
    years: whole(years),
    months: whole(months),
    weeks: whole(weeks),
    days: whole(days),
    seconds: part(h) * 3600 + part(mi) * 60 + part(s) + fractional,
  };
}

/** `ms` advanced by `duration` (or moved back when `direction` is -1), in UTC calendar terms. */
export function advance(ms: number, duration: CalendarDuration, direction: 1 | -1 = 1): number {
  const date = new Date(ms);
  const totalMonths = direction * (duration.years * 12 + duration.months);
  if (totalMonths !== 0) {
    const day = date.getUTCDate();
    date.setUTCDate(1);
    date.setUTCMonth(date.getUTCMonth() + totalMonths);
    const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
    date.setUTCDate(Math.min(day, lastDay));
  }
  const days = direction * (duration.weeks * 7 + duration.days);
  if (days !== 0) date.setUTCDate(date.getUTCDate() + days);
  return date.getTime() + direction * Math.round(duration.seconds * 1000);
}
