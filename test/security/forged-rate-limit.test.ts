/**
 * Threat: a forged rate-limit answer. Keygen's 429 is not signed and no signature covers the
 * X-RateLimit-* headers, so anyone on the path can forge them. They must only ever make a bulk
 * deactivation wait — each wait capped, and the run stopped (never hung) when the "rate limit"
 * never lets up — and must never mark a seat deactivated, gone or failed.
 */
import { describe, expect, it } from 'vitest';
import { runBulkDeactivation } from '../../src/admin/bulk-deactivation.js';
import { createKeygenClient } from '../../src/keygen/client.js';
import type { Transport } from '../../src/keygen/transport.js';

const CONFIG = { apiUrl: 'http://127.0.0.1:9', account: 'acme', product: null, publicKey: 'a'.repeat(64) };

/** A transport that answers every request with the same unsigned 429. */
function forged429(headers: Record<string, string>): Transport {
  return {
    send: async () => ({
      ok: true,
      response: { status: 429, headers: { 'content-type': 'application/vnd.api+json', ...headers }, body: Buffer.from('{"errors":[{"title":"Too many requests","code":"TOO_MANY_REQUESTS"}]}') },
    }),
  };
}

describe('forged 429: waiting only, bounded', () => {
  it('a 429 asking for a day is waited at most the cap; the seats are "not attempted", never failed or done', async () => {
    const client = createKeygenClient({ config: CONFIG, env: {}, transport: forged429({ 'retry-after': '86400', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 86_400) }) });
    let now = 0;
    const waits: number[] = [];
    const outcome = await runBulkDeactivation({
      ids: ['m-1', 'm-2'],
      deactivate: (id) => client.deactivatePaced(id, { kind: 'token', token: 'admin-token' }),
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
      pacer: { maxWaitMs: 60_000 },
      stallLimitMs: 5 * 60_000,
    });
    expect(Math.max(...waits)).toBeLessThanOrEqual(60_000);
    expect(outcome).toEqual({ deactivated: [], alreadyGone: [], failed: [], notAttempted: ['m-1', 'm-2'], stopped: 'rate-limited' });
    // Stopped once the stall limit passed: a few capped waits, not a day.
    expect(now).toBeLessThanOrEqual(5 * 60_000 + 60_000);
  });

  it('a forged "remaining: 0" on a signed-looking answer cannot stretch a wait past the cap either', async () => {
    const { RatePacer } = await import('../../src/admin/rate-pacer.js');
    const pacer = new RatePacer({ maxWaitMs: 60_000, marginMs: 0 });
    pacer.sent();
    pacer.answered({ limit: 10, remaining: 0, resetAtMs: 10 * 86_400_000, retryAfterMs: null }, 0, false, 0);
    expect(pacer.delayBeforeNext(0, 0)).toBe(60_000);
  });

  it('an unsigned 429 is never read as a refusal of the deactivation itself', async () => {
    const client = createKeygenClient({ config: CONFIG, env: {}, transport: forged429({}), sleep: async () => undefined });
    const answer = await client.deactivatePaced('m-1', { kind: 'token', token: 'admin-token' });
    expect(answer.outcome).toEqual({ kind: 'rate-limited' });
  });
});
