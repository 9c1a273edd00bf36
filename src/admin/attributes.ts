/** Reading the attributes of a server resource the admin views show: texts and times, or null. */

/** A non-empty string attribute; null otherwise. */
export function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** An ISO 8601 time attribute, normalised; null when absent or unreadable. */
export function time(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}
