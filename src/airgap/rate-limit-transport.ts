/**
 * A transport that waits out rate limits instead of failing: a fleet fulfilled in one run can
 * outpace the licensing server's limit, and a 429 is an answer to slow down, not a refusal.
 * Keygen's rate limiter answers before any controller runs (protocol §2.4), so resending the
 * very same request after `Retry-After` is safe even for a state-changing POST. One gate is
 * shared by every request of the run: once the server says "wait", nothing is sent until then.
 */
import type { Transport, TransportRequest, TransportResult } from '../keygen/transport.js';

export interface RateLimitOptions {
  /** Waits (injected by tests); default a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  /** Longest single wait honoured; a longer Retry-After is capped (and asked again). Default 60 s. */
  readonly maxWaitMs?: number;
  /** Past this much waiting for one request, its 429 is returned (the client reports ISSUER_RATE_LIMITED). Default 10 minutes. */
  readonly budgetMs?: number;
  /** Told of each wait, for progress output. */
  readonly onWait?: (ms: number) => void;
}

const DEFAULT_WAIT_MS = 1_000;

/** `Retry-After` as delta-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now: number): number | null {
  if (header === undefined) return null;
  const value = header.trim();
  if (/^\d{1,9}$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}

/** Wraps `inner` so that 429 answers are waited out and the request sent again. */
export function rateLimitRetrying(inner: Transport, options: RateLimitOptions = {}): Transport {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const maxWait = options.maxWaitMs ?? 60_000;
  const budget = options.budgetMs ?? 10 * 60_000;
  let openAt = 0;

  return {
    async send(request: TransportRequest): Promise<TransportResult> {
      let waited = 0;
      for (;;) {
        const hold = openAt - now();
        if (hold > 0) {
          await sleep(hold);
          waited += hold;
        }
        const result = await inner.send(request);
        if (!result.ok || result.response.status !== 429 || waited >= budget) return result;
        const wait = Math.min(maxWait, retryAfterMs(result.response.headers['retry-after'], now()) ?? DEFAULT_WAIT_MS);
        openAt = Math.max(openAt, now() + wait);
        options.onWait?.(wait);
      }
    },
  };
}
