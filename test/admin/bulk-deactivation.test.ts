/**
 * The bulk deactivation engine against a simulated server with Keygen's fixed-window rate limit,
 * on a simulated clock: it spends each window and waits for the next instead of failing, counts
 * a seat already gone as done, cancels after the requests in flight, and stops (rather than
 * waiting forever) when the rate limit never lets up.
 */
import { describe, expect, it } from 'vitest';
import type { Paced, PacedDeactivation, RateLimitHint } from '../../src/keygen/client.types.js';
import { runBulkDeactivation, type BulkPace } from '../../src/admin/bulk-deactivation.js';
import { RatePacer } from '../../src/admin/rate-pacer.js';
import { fail } from '../../src/contract/messages.js';

/** A simulated clock: sleeping moves it; requests take `latencyMs` of it. */
function simulatedTime() {
  let now = 1_000_000_000_000;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    sleep: async (ms: number, signal: AbortSignal | undefined) => {
      if (signal?.aborted) return;
      now += ms;
      await Promise.resolve();
    },
  };
}

/** A server with a fixed window of `limit` requests per `windowMs`, aligned to the clock, that knows `machines`. */
function limitedServer(clock: ReturnType<typeof simulatedTime>, options: { limit: number; windowMs: number; machines: Set<string>; latencyMs?: number; headers?: boolean }) {
  let windowStart = -1;
  let count = 0;
  const log: { at: number; id: string; status: number }[] = [];
  const deactivate = async (id: string): Promise<Paced<PacedDeactivation>> => {
    await Promise.resolve();
    clock.advance(options.latencyMs ?? 5);
    const now = clock.now();
    const start = now - (now % options.windowMs);
    if (start !== windowStart) {
      windowStart = start;
      count = 0;
    }
    count += 1;
    const reset = start + options.windowMs;
    const hint: RateLimitHint =
      options.headers === false
        ? { limit: null, remaining: null, resetAtMs: null, retryAfterMs: count > options.limit ? Math.ceil((reset - now) / 1000) * 1000 : null }
        : { limit: options.limit, remaining: Math.max(0, options.limit - count), resetAtMs: reset, retryAfterMs: count > options.limit ? Math.ceil((reset - now) / 1000) * 1000 : null };
    if (count > options.limit) {
      log.push({ at: now, id, status: 429 });
      return { outcome: { kind: 'rate-limited' }, hint };
    }
    const existed = options.machines.delete(id);
    log.push({ at: now, id, status: existed ? 204 : 404 });
    return { outcome: existed ? { kind: 'deactivated' } : { kind: 'gone' }, hint };
  };
  return { deactivate, log };
}

const ids = (count: number, prefix = 'm') => Array.from({ length: count }, (_, index) => `${prefix}-${index}`);

describe('riding a rate limit', () => {
  it('deactivates 1,000 seats at 200 per 10 s in about five windows, with no seat failed and few 429s', async () => {
    const clock = simulatedTime();
    const all = ids(1000);
    const server = limitedServer(clock, { limit: 200, windowMs: 10_000, machines: new Set(all) });
    const started = clock.now();
    const outcome = await runBulkDeactivation({ ids: all, deactivate: server.deactivate, now: clock.now, sleep: clock.sleep });
    const seconds = (clock.now() - started) / 1000;
    expect(outcome.deactivated).toHaveLength(1000);
    expect(outcome.failed).toEqual([]);
    expect(outcome.notAttempted).toEqual([]);
    expect(outcome.stopped).toBeNull();
    // Five windows of 200 (the first one partly spent): at least 90% of the ceiling of 20/s.
    expect(1000 / seconds).toBeGreaterThanOrEqual(0.9 * 20);
    expect(server.log.filter((entry) => entry.status === 429).length).toBeLessThanOrEqual(20);
  });

  it('without rate-limit headers, still never fails a seat: 429s are waited out by Retry-After', async () => {
    const clock = simulatedTime();
    const all = ids(300);
    const server = limitedServer(clock, { limit: 100, windowMs: 5_000, machines: new Set(all), headers: false });
    const outcome = await runBulkDeactivation({ ids: all, deactivate: server.deactivate, now: clock.now, sleep: clock.sleep });
    expect(outcome.deactivated).toHaveLength(300);
    expect(outcome.failed).toEqual([]);
  });

  it('counts seats already gone as done, so a repeated run finishes cleanly', async () => {
    const clock = simulatedTime();
    const all = ids(50);
    const server = limitedServer(clock, { limit: 1000, windowMs: 10_000, machines: new Set(all.slice(0, 20)) });
    const outcome = await runBulkDeactivation({ ids: [...all, 'm-3'], deactivate: server.deactivate, now: clock.now, sleep: clock.sleep });
    expect(outcome.deactivated).toHaveLength(20);
    expect(outcome.alreadyGone).toHaveLength(30);
    expect(outcome.failed).toEqual([]);
    // Each id once, even when given twice.
    expect(server.log).toHaveLength(50);
  });

  it('reports progress: counts, elapsed time, and the wait for the next window', async () => {
    const clock = simulatedTime();
    const all = ids(30);
    const server = limitedServer(clock, { limit: 10, windowMs: 10_000, machines: new Set(all) });
    const paces: BulkPace[] = [];
    await runBulkDeactivation({ ids: all, deactivate: server.deactivate, now: clock.now, sleep: clock.sleep, onProgress: (pace) => paces.push(pace) });
    expect(paces.at(-1)).toMatchObject({ total: 30, deactivated: 30, waitingMs: 0 });
    expect(paces.some((pace) => pace.waitingMs > 0)).toBe(true);
    expect(paces.map((pace) => pace.deactivated)).toEqual([...paces.map((pace) => pace.deactivated)].sort((a, b) => a - b));
  });
});

describe('stopping', () => {
  it('Cancel stops sending: the requests in flight finish, the rest are listed as not attempted', async () => {
    const clock = simulatedTime();
    const all = ids(100);
    const controller = new AbortController();
    const server = limitedServer(clock, { limit: 1000, windowMs: 10_000, machines: new Set(all) });
    const outcome = await runBulkDeactivation({
      ids: all,
      deactivate: async (id) => {
        const answer = await server.deactivate(id);
        if (server.log.length >= 10) controller.abort();
        return answer;
      },
      signal: controller.signal,
      now: clock.now,
      sleep: clock.sleep,
      pacer: { initialConcurrency: 4, maxConcurrency: 4 },
    });
    expect(outcome.stopped).toBe('cancelled');
    // The first ten or so answered, plus at most those still in flight (four at a time).
    expect(outcome.deactivated.length).toBeGreaterThanOrEqual(10);
    expect(outcome.deactivated.length).toBeLessThanOrEqual(16);
    expect(outcome.deactivated.length + outcome.notAttempted.length).toBe(100);
    expect(server.log).toHaveLength(outcome.deactivated.length);
  });

  it('a cancel during a wait for the next window ends the run at once', async () => {
    const clock = simulatedTime();
    const all = ids(40);
    const controller = new AbortController();
    const server = limitedServer(clock, { limit: 10, windowMs: 10_000, machines: new Set(all) });
    const outcome = await runBulkDeactivation({
      ids: all,
      deactivate: server.deactivate,
      signal: controller.signal,
      now: clock.now,
      sleep: async (ms, signal) => {
        controller.abort();
        await clock.sleep(ms, signal);
      },
    });
    expect(outcome.stopped).toBe('cancelled');
    expect(outcome.deactivated).toHaveLength(10);
    expect(outcome.notAttempted).toHaveLength(30);
  });

  it('other failures are the seat\'s own and the run goes on', async () => {
    const clock = simulatedTime();
    const outcome = await runBulkDeactivation({
      ids: ['a', 'b', 'c'],
      deactivate: async (id) => ({ outcome: id === 'b' ? { kind: 'failed', failure: fail('ACCESS_DENIED') } : { kind: 'deactivated' }, hint: { limit: null, remaining: null, resetAtMs: null, retryAfterMs: null } }),
      now: clock.now,
      sleep: clock.sleep,
    });
    expect([...outcome.deactivated].sort()).toEqual(['a', 'c']);
    expect(outcome.failed).toEqual([{ id: 'b', code: 'ACCESS_DENIED', message: fail('ACCESS_DENIED').message }]);
  });
});

describe('the pacer', () => {
  it('spends the window it is told of, waits for its reset, and starts again at the limit', () => {
    const pacer = new RatePacer({ initialConcurrency: 2, maxConcurrency: 2, marginMs: 0 });
    expect(pacer.delayBeforeNext(0, 0)).toBe(0);
    pacer.sent();
    pacer.answered({ limit: 3, remaining: 1, resetAtMs: 5_000, retryAfterMs: null }, 10, false, 0);
    expect(pacer.delayBeforeNext(10, 0)).toBe(0);
    pacer.sent();
    expect(pacer.delayBeforeNext(10, 1)).toBe(Number.POSITIVE_INFINITY);
    pacer.answered({ limit: 3, remaining: 0, resetAtMs: 5_000, retryAfterMs: null }, 20, false, 0);
    expect(pacer.delayBeforeNext(20, 0)).toBe(4_980);
    expect(pacer.delayBeforeNext(5_000, 0)).toBe(0);
  });

  it('halves its concurrency on a 429 and grows back one at a time', () => {
    const pacer = new RatePacer({ initialConcurrency: 8, maxConcurrency: 8, increaseEvery: 1 });
    pacer.answered({ limit: null, remaining: null, resetAtMs: null, retryAfterMs: 1_000 }, 0, true, 0);
    expect(pacer.concurrency).toBe(4);
    pacer.answered({ limit: null, remaining: null, resetAtMs: null, retryAfterMs: null }, 2_000, false, 0);
    expect(pacer.concurrency).toBe(5);
  });
});
