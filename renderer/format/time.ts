/** Dates and countdowns as the screens show them. */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'always' });

/**
 * How far `target` is from `now`, in whole days, hours or minutes (rounded towards now):
 * "in 29 days", "in 3 hours", "5 minutes ago", "in less than a minute".
 * Returns an empty string for an unreadable date.
 */
export function countdown(target: string | number, now: number): string {
  const at = typeof target === 'number' ? target : Date.parse(target);
  if (!Number.isFinite(at)) return '';
  const diff = at - now;
  const size = Math.abs(diff);
  if (size < MINUTE) return diff >= 0 ? 'in less than a minute' : 'less than a minute ago';
  const sign = diff >= 0 ? 1 : -1;
  if (size >= DAY) return relative.format(sign * Math.floor(size / DAY), 'day');
  if (size >= HOUR) return relative.format(sign * Math.floor(size / HOUR), 'hour');
  return relative.format(sign * Math.floor(size / MINUTE), 'minute');
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A date and time in the person's locale, or `fallback` when there is none (or it is unreadable). */
export function formatDateTime(value: string | null, fallback = '—'): string {
  if (value === null) return fallback;
  const at = Date.parse(value);
  return Number.isFinite(at) ? dateTime.format(at) : fallback;
}
