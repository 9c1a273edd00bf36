/**
 * A fixed-window request limit per client IP, like Keygen's Rack::Attack throttles
 * (protocol §2.4): windows are aligned to the epoch, the request that takes the count above the
 * limit is refused, and `X-RateLimit-*` describe the window on every response.
 */

/** A parsed `--rate-limit N/WINDOW` value. */
export interface RateLimitConfig {
  readonly limit: number;
  readonly periodSeconds: number;
  /** What `X-RateLimit-Window` says (`60s`, `1m`, …): the window as configured. */
  readonly label: string;
}

/** The state of the caller's window after counting this request. */
export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly headers: Record<string, string>;
  /** Seconds until the window resets (for `Retry-After`). */
  readonly retryAfter: number;
}

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600 };

/**
 * Parses `N/WINDOW`: `100/60s`, `5/1m`, `1000/1h`, or `10/30` (seconds). Null when malformed or
 * when either number is not a positive integer.
 */
export function parseRateLimit(text: string): RateLimitConfig | null {
  const match = /^(\d+)\/(\d+)([smh]?)$/.exec(text.trim());
  if (match === null) return null;
  const limit = Number(match[1]);
  const amount = Number(match[2]);
  const unit = match[3] === '' ? 's' : (match[3] as string);
  const periodSeconds = amount * (UNIT_SECONDS[unit] ?? 1);
  if (!Number.isSafeInteger(limit) || limit < 1 || !Number.isSafeInteger(periodSeconds) || periodSeconds < 1) return null;
  return { limit, periodSeconds, label: `${amount}${unit}` };
}

/** Counts requests per IP in the current window. Memory is bounded by the number of clients seen in one window. */
export class RateLimiter {
  private windowStart = 0;
  private readonly counts = new Map<string, number>();

  constructor(private readonly config: RateLimitConfig) {}

  /** Counts one request from `ip` at `nowMs` and says whether it may proceed. */
  hit(ip: string, nowMs: number): RateLimitDecision {
    const now = Math.floor(nowMs / 1000);
    const period = this.config.periodSeconds;
    const start = now - (now % period);
    if (start !== this.windowStart) {
      // A new window: every client starts again from zero.
      this.windowStart = start;
      this.counts.clear();
    }
    const count = (this.counts.get(ip) ?? 0) + 1;
    this.counts.set(ip, count);
    const reset = start + period;
    return {
      allowed: count <= this.config.limit,
      retryAfter: Math.max(1, reset - now),
      headers: {
        'X-RateLimit-Window': this.config.label,
        'X-RateLimit-Count': String(count),
        'X-RateLimit-Limit': String(this.config.limit),
        'X-RateLimit-Remaining': String(Math.max(0, this.config.limit - count)),
        'X-RateLimit-Reset': String(reset),
      },
    };
  }
}
