/**
 * Time, as far as licensing can trust it. The local clock can be wrong (a dead CMOS battery, a
 * virtual machine restored from a snapshot) or set on purpose; the licensing server's signed
 * `Date` on a validation cannot be forged and, since the validation echoes our random nonce,
 * is fresh. Once this process has seen one, "now" is the local clock corrected by the offset it
 * showed; before that, it is the local clock. Nothing here is written to disk: a fast clock is
 * reported, never recorded.
 */

/** The clock a licensing process decides by. */
export interface TrustedClock {
  /** The local clock, in ms since the epoch. */
  local(): number;
  /** The best estimate of real time: the local clock, corrected once a fresh server time was seen. */
  now(): number;
  /** Records a fresh signed server time (a validation's `Date`), as it arrives. */
  learn(serverTime: number): void;
  /** The server's clock minus ours, in ms, from the latest fresh server time; null before one. */
  offset(): number | null;
  /** The latest fresh server time and the local time it arrived at; null before one. */
  lastServerTime(): { readonly server: number; readonly local: number } | null;
}

/**
 * A clock over `local`. HTTP dates have whole seconds, so an offset under two seconds is noise
 * and is not applied.
 */
export function createTrustedClock(local: () => number = Date.now): TrustedClock {
  let seen: { server: number; local: number } | null = null;
  const offset = (): number | null => (seen === null ? null : seen.server - seen.local);
  return {
    local,
    now() {
      const shift = offset();
      return shift === null || Math.abs(shift) < 2_000 ? local() : local() + shift;
    },
    learn(serverTime) {
      if (Number.isFinite(serverTime)) seen = { server: serverTime, local: local() };
    },
    offset,
    lastServerTime: () => seen,
  };
}

/** "12 minutes", "3 hours", "2 days": a duration for people, rounded down to its largest unit. */
export function describeDuration(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 1) return `${Math.floor(Math.abs(ms) / 1000)} seconds`;
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} hours`;
  return `${Math.floor(hours / 24)} days`;
}
