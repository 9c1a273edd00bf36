/**
 * The bulk deactivation engine: frees many seats with a bounded concurrency that follows the
 * server (`rate-pacer.ts`). A seat the server no longer has (a signed 404) counts as done, so a
 * run can simply be repeated; a 429 puts its seat back in the queue and makes the run wait,
 * never fail. Cancelling stops sending, lets the requests in flight finish, and reports what
 * was done and what was not attempted. A rate limit that does not let up for `stallLimitMs`
 * stops the run the same way, with the seats left listed, rather than waiting forever on a
 * server (or a forger of 429s) that never lets it through.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { BulkResult } from '../contract/admin.js';
import type { Paced, PacedDeactivation } from '../keygen/client.types.js';
import { RatePacer, type PacerOptions } from './rate-pacer.js';

/** Where a run stands, reported as it goes. */
export interface BulkPace {
  readonly total: number;
  readonly deactivated: number;
  readonly alreadyGone: number;
  readonly failed: number;
  /** Milliseconds since the run started. */
  readonly elapsedMs: number;
  /** Milliseconds the run is now waiting for the rate limit, or 0. */
  readonly waitingMs: number;
}

export interface BulkRunOptions {
  readonly ids: readonly string[];
  /** Sends one deactivation, answered once (a 429 comes back as `rate-limited`). */
  readonly deactivate: (id: string) => Promise<Paced<PacedDeactivation>>;
  /** Aborting stops sending; the requests in flight finish. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (pace: BulkPace) => void;
  readonly pacer?: PacerOptions;
  /** The run stops when no seat has settled for this long (default 5 minutes). */
  readonly stallLimitMs?: number;
  readonly now?: () => number;
  /** Waits `ms`, or until `signal` aborts (resolving either way). Injected by tests. */
  readonly sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
}

const DEFAULT_STALL_LIMIT_MS = 5 * 60_000;

async function sleepUnlessAborted(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await delay(ms, undefined, signal === undefined ? {} : { signal });
  } catch {
    // Aborted: the caller looks at the signal.
  }
}

/** Runs the deactivations; never throws for a server's answer (each seat's outcome is in the result). */
export async function runBulkDeactivation(options: BulkRunOptions): Promise<BulkResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? sleepUnlessAborted;
  const stallLimitMs = options.stallLimitMs ?? DEFAULT_STALL_LIMIT_MS;
  const { signal } = options;
  const pacer = new RatePacer(options.pacer);
  const queue = [...new Set(options.ids)];
  const total = queue.length;
  const started = now();
  const deactivated: string[] = [];
  const alreadyGone: string[] = [];
  const failed: BulkResult['failed'][number][] = [];
  const inFlight = new Map<string, Promise<void>>();
  let lastSettled = started;
  let stopped: BulkResult['stopped'] = null;

  const report = (waitingMs = 0): void =>
    options.onProgress?.({ total, deactivated: deactivated.length, alreadyGone: alreadyGone.length, failed: failed.length, elapsedMs: now() - started, waitingMs });

  const send = (id: string): void => {
    pacer.sent();
    const request = (async () => {
      let answer: Paced<PacedDeactivation>;
      try {
        answer = await options.deactivate(id);
      } catch (error) {
        // The client never throws for a server's answer; this is a bug, reported on the seat rather than lost.
        answer = { outcome: { kind: 'failed', failure: { ok: false, code: 'ISSUER_ERROR', message: error instanceof Error ? error.message : String(error) } }, hint: { limit: null, remaining: null, resetAtMs: null, retryAfterMs: null } };
      }
      inFlight.delete(id);
      const { outcome } = answer;
      pacer.answered(answer.hint, now(), outcome.kind === 'rate-limited', inFlight.size);
      switch (outcome.kind) {
        case 'rate-limited':
          // Asked again once the pacer allows: a rate limit is a wait, never an outcome.
          queue.unshift(id);
          return;
        case 'deactivated':
          deactivated.push(id);
          break;
        case 'gone':
          alreadyGone.push(id);
          break;
        case 'failed':
          failed.push({ id, code: outcome.failure.code, message: outcome.failure.message });
          break;
      }
      lastSettled = now();
      report();
    })();
    inFlight.set(id, request);
  };

  for (;;) {
    if (signal?.aborted === true && stopped === null) stopped = 'cancelled';
    const sending = stopped === null && queue.length > 0;
    if (!sending && inFlight.size === 0) break;
    if (sending && now() - lastSettled > stallLimitMs) {
      stopped = 'rate-limited';
      continue;
    }
    if (sending) {
      const wait = pacer.delayBeforeNext(now(), inFlight.size);
      if (wait === 0) {
        send(queue.shift() as string);
        continue;
      }
      if (Number.isFinite(wait) && inFlight.size === 0) {
        report(wait);
        // Never past the stall limit: the loop then stops the run.
        await sleep(Math.min(wait, Math.max(1, stallLimitMs - (now() - lastSettled) + 1)), signal);
        continue;
      }
      if (Number.isFinite(wait)) {
        // A pause with answers still coming: whichever comes first.
        await Promise.race([...inFlight.values(), sleep(wait, signal)]);
        continue;
      }
    }
    await Promise.race(inFlight.values());
  }

  const settled = new Set([...deactivated, ...alreadyGone, ...failed.map((failure) => failure.id)]);
  const notAttempted = [...new Set(options.ids)].filter((id) => !settled.has(id));
  report();
  return { deactivated, alreadyGone, failed, notAttempted, stopped: notAttempted.length === 0 ? null : stopped };
}
