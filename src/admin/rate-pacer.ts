/**
 * How fast a bulk deactivation may go: a concurrency that adapts to the server (additive
 * increase while answers come back, halved on a 429, as TCP does), and a budget read from the
 * server's `X-RateLimit-Remaining`/`-Reset`, so that the run spends each rate-limit window and
 * then waits for the next one instead of running into 429s.
 *
 * Those headers are not signed, and a 429 is not signed at all (Keygen's rate limiter answers
 * before anything that signs). So they only ever make the run wait, and every wait they ask
 * for is capped at `maxWaitMs`: a forged header can slow a run down, bounded, never mark a seat
 * done or failed.
 */
import type { RateLimitHint } from '../keygen/client.types.js';

export interface PacerOptions {
  /** Requests in flight at the start; default 4. */
  readonly initialConcurrency?: number;
  /** Never more in flight than this; default 16. */
  readonly maxConcurrency?: number;
  /** The longest one wait may last, whatever a header says; default 60 s. */
  readonly maxWaitMs?: number;
  /** Added after a window's reset, for clocks a little apart; default 250 ms. */
  readonly marginMs?: number;
  /** Successes between two increases of the concurrency; default 8. */
  readonly increaseEvery?: number;
}

/** Backoff when a 429 names no wait: doubles from 1 s, to 30 s. */
const BACKOFF_START_MS = 1_000;
const BACKOFF_CAP_MS = 30_000;
/** Resets closer together than this are the same window (X-RateLimit-Reset has one-second steps). */
const SAME_WINDOW_MS = 1_000;

export class RatePacer {
  private concurrencyNow: number;
  private readonly max: number;
  private readonly maxWaitMs: number;
  private readonly marginMs: number;
  private readonly increaseEvery: number;
  /** Requests the server will still take in this window, as far as we know; null: no limit known. */
  private budget: number | null = null;
  private limit: number | null = null;
  private resetAtMs: number | null = null;
  private pausedUntilMs = 0;
  private successes = 0;
  private backoffMs = BACKOFF_START_MS;

  constructor(options: PacerOptions = {}) {
    this.max = Math.max(1, Math.floor(options.maxConcurrency ?? 16));
    this.concurrencyNow = Math.min(this.max, Math.max(1, Math.floor(options.initialConcurrency ?? 4)));
    this.maxWaitMs = Math.max(0, options.maxWaitMs ?? 60_000);
    this.marginMs = Math.max(0, options.marginMs ?? 250);
    this.increaseEvery = Math.max(1, Math.floor(options.increaseEvery ?? 8));
  }

  /** How many requests may be in flight now. */
  get concurrency(): number {
    return this.concurrencyNow;
  }

  /**
   * Milliseconds to wait before sending one more request, with `inFlight` already sent: 0 to
   * send now; a wait when the window is spent and nothing is in flight (or a 429 asked for a
   * pause); `Infinity` to wait for an answer in flight first (it will say more).
   */
  delayBeforeNext(nowMs: number, inFlight: number): number {
    if (nowMs < this.pausedUntilMs) return this.pausedUntilMs - nowMs;
    if (inFlight >= this.concurrencyNow) return Number.POSITIVE_INFINITY;
    if (this.budget === null || this.budget > 0) return 0;
    // Spent: answers still in flight will tell the window's true remaining.
    if (inFlight > 0) return Number.POSITIVE_INFINITY;
    if (this.resetAtMs === null) return 0;
    const wait = this.bounded(this.resetAtMs + this.marginMs - nowMs);
    if (wait <= 0) this.newWindow();
    return Math.max(0, wait);
  }

  /** A request was sent. */
  sent(): void {
    if (this.budget !== null) this.budget -= 1;
  }

  /**
   * A request was answered (`rateLimited`: with a 429), with `others` requests still in flight.
   * Returns the wait a 429 asks for (capped), else 0.
   */
  answered(hint: RateLimitHint, nowMs: number, rateLimited: boolean, others: number): number {
    if (hint.limit !== null) this.limit = hint.limit;
    if (hint.remaining !== null) {
      const fresh = this.resetAtMs === null || (hint.resetAtMs !== null && hint.resetAtMs > this.resetAtMs + SAME_WINDOW_MS);
      if (hint.resetAtMs !== null && fresh) this.resetAtMs = hint.resetAtMs;
      // Requests still in flight may not be counted in this answer yet: assume they are spent.
      const left = Math.max(0, hint.remaining - others);
      this.budget = fresh || this.budget === null ? left : Math.min(this.budget, left);
      if (others === 0) this.budget = hint.remaining;
    }
    if (!rateLimited) {
      this.backoffMs = BACKOFF_START_MS;
      this.successes += 1;
      if (this.successes % this.increaseEvery === 0 && this.concurrencyNow < this.max) this.concurrencyNow += 1;
      return 0;
    }
    this.concurrencyNow = Math.max(1, Math.floor(this.concurrencyNow / 2));
    this.budget = 0;
    const asked = hint.retryAfterMs ?? (hint.resetAtMs === null ? null : hint.resetAtMs + this.marginMs - nowMs);
    const wait = this.bounded(asked ?? this.nextBackoff());
    this.pausedUntilMs = Math.max(this.pausedUntilMs, nowMs + wait);
    // After the pause, the server is asked again: the next answer says how much is left.
    this.resetAtMs = null;
    this.budget = null;
    return wait;
  }

  /** A window has passed: as much as the limit allows, until an answer says otherwise. */
  private newWindow(): void {
    this.budget = this.limit;
    this.resetAtMs = null;
  }

  private nextBackoff(): number {
    const wait = this.backoffMs;
    this.backoffMs = Math.min(BACKOFF_CAP_MS, this.backoffMs * 2);
    return wait;
  }

  private bounded(ms: number): number {
    return Math.min(this.maxWaitMs, Math.max(0, ms));
  }
}
