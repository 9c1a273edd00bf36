/** Rate limits are waited out: a 429 is sent again after Retry-After, one gate for the whole run, within a budget. */
import { describe, expect, it } from 'vitest';
import { rateLimitRetrying, retryAfterMs } from '../../src/airgap/rate-limit-transport.js';
import type { Transport, TransportRequest, TransportResult } from '../../src/keygen/transport.js';

const REQUEST: TransportRequest = { method: 'POST', url: new URL('http://127.0.0.1/v1/machines'), headers: {}, body: null, timeoutMs: 1000, maxResponseBytes: 1000 };
const answer = (status: number, headers: Record<string, string> = {}): TransportResult => ({ ok: true, response: { status, headers, body: new Uint8Array() } });

function scripted(statuses: TransportResult[]): Transport & { sent: number } {
  const transport = {
    sent: 0,
    async send(): Promise<TransportResult> {
      transport.sent += 1;
      return statuses.shift() ?? answer(200);
    },
  };
  return transport;
}

describe('waiting out rate limits', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('3', 0)).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs('soon', 0)).toBeNull();
    expect(retryAfterMs(undefined, 0)).toBeNull();
  });

  it('sends the same request again after the wait the server asked for, and never reports the 429', async () => {
    let clock = 0;
    const waits: number[] = [];
    const inner = scripted([answer(429, { 'retry-after': '2' }), answer(429), answer(201)]);
    const transport = rateLimitRetrying(inner, { now: () => clock, sleep: async (ms) => void (waits.push(ms), (clock += ms)) });
    const result = await transport.send(REQUEST);
    expect(result.ok && result.response.status).toBe(201);
    expect(inner.sent).toBe(3);
    expect(waits).toEqual([2000, 1000]);
  });

  it('holds every other request of the run until the server said it may send again', async () => {
    let clock = 0;
    const waits: number[] = [];
    const inner = scripted([answer(429, { 'retry-after': '5' }), answer(200), answer(200)]);
    const transport = rateLimitRetrying(inner, { now: () => clock, sleep: async (ms) => void (waits.push(ms), (clock += ms)) });
    await transport.send(REQUEST);
    clock = 0;
    // The gate opened at 5 s; a request at 0 s waits for it, without being refused first.
    inner.sent = 0;
    await transport.send(REQUEST);
    expect(waits).toEqual([5000, 5000]);
    expect(inner.sent).toBe(1);
  });

  it('past its budget, the 429 is returned (the client then says ISSUER_RATE_LIMITED)', async () => {
    let clock = 0;
    const transport = rateLimitRetrying(scripted(Array.from({ length: 10 }, () => answer(429, { 'retry-after': '60' }))), { now: () => clock, sleep: async (ms) => void (clock += ms), budgetMs: 100_000 });
    const result = await transport.send(REQUEST);
    expect(result.ok && result.response.status).toBe(429);
  });
});
