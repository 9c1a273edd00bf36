/**
 * The failure table (`src/contract/failures.ts`): one row per code, checked by the compiler, and
 * rows that agree with what the README promises about exit codes and agent statuses.
 */
import { describe, expect, it } from 'vitest';
import { AGENT_CODES, FAILURE_CODES, type FailureCode } from '../../src/contract/codes.js';
import { describeFailure, exitCodeFor, FAILURES, isTransient, statusFor, type FailureHandling } from '../../src/contract/failures.js';
import { MESSAGES } from '../../src/contract/messages.js';

describe('the failure table', () => {
  it('has a row for every code and for nothing else (the compiler checks the first half)', () => {
    // @ts-expect-error a table that lacks a code does not compile
    const partial = { NOT_FOUND: { status: 400, exit: 1, transient: false } } satisfies Record<FailureCode, FailureHandling>;
    expect(Object.keys(partial)).toEqual(['NOT_FOUND']);
    expect(Object.keys(FAILURES).sort()).toEqual([...FAILURE_CODES].sort());
    expect(new Set(FAILURE_CODES).size).toBe(FAILURE_CODES.length);
  });

  it('exits 3 for the licensing server that cannot be reached or keeps failing, never for a refusal', () => {
    const unreachable = FAILURE_CODES.filter((code) => exitCodeFor(code) === 3).sort();
    expect(unreachable).toEqual(
      [
        'ACTIVATION_INCOMPLETE',
        'DEACTIVATION_INCOMPLETE',
        'ISSUER_ANSWER_UNVERIFIABLE',
        'ISSUER_ERROR',
        'ISSUER_RATE_LIMITED',
        'ISSUER_UNREACHABLE',
        'OFFLINE_DEACTIVATION_UNAVAILABLE',
        'TLS_CERTIFICATE_EXPIRED',
        'TLS_CERTIFICATE_NAME_MISMATCH',
        'TLS_CERTIFICATE_UNTRUSTED',
        'TLS_HANDSHAKE_FAILED',
      ].sort(),
    );
    // Exit 3 says "could not be asked": the agent answers those as a gateway or an unavailable service.
    for (const code of unreachable) expect([code, [502, 503].includes(statusFor(code))]).toEqual([code, true]);
  });

  it('marks transient only what can work later unchanged: never a refusal, a forgery or a broken installation', () => {
    for (const code of FAILURE_CODES) {
      // A transient failure is the service's state (5xx), or a limit that passes (429).
      if (isTransient(code)) expect([code, statusFor(code) >= 500 || statusFor(code) === 429]).toEqual([code, true]);
    }
    expect(FAILURE_CODES.filter(isTransient).sort()).toEqual(
      [
        'ACTIVATION_INCOMPLETE',
        'AGENT_UNREACHABLE',
        'BULK_JOB_RUNNING',
        'DEACTIVATION_INCOMPLETE',
        'ISSUER_ANSWER_UNVERIFIABLE',
        'ISSUER_ERROR',
        'ISSUER_RATE_LIMITED',
        'ISSUER_UNREACHABLE',
        'KEYCHAIN_TIMEOUT',
        'OFFLINE_DEACTIVATION_UNAVAILABLE',
        'STATE_BUSY',
        'TOO_MANY_SIGNED_REQUESTS',
      ].sort(),
    );
    for (const code of ['TLS_CERTIFICATE_UNTRUSTED', 'RESPONSE_SIGNATURE_INVALID', 'RESPONSE_DIGEST_MISMATCH', 'KEYCHAIN_LOCKED', 'DISK_FULL'] as const) {
      expect([code, isTransient(code)]).toEqual([code, false]);
    }
  });

  it("keeps the agent's own statuses as the README's agent table documents them", () => {
    const statuses = Object.fromEntries(AGENT_CODES.map((code) => [code, statusFor(code)]));
    expect(statuses).toEqual({
      UNAUTHORIZED: 401,
      FORBIDDEN: 403,
      HOST_NOT_ALLOWED: 403,
      ENDPOINT_NOT_FOUND: 404,
      METHOD_NOT_ALLOWED: 405,
      PAYLOAD_TOO_LARGE: 413,
      UNSUPPORTED_MEDIA_TYPE: 415,
      INVALID_REQUEST: 400,
      INVALID_ID: 400,
      LICENSE_ID_MISMATCH: 400,
      MACHINE_MISMATCH: 422,
      INTERNAL_ERROR: 500,
      CROSS_ORIGIN_REQUEST: 403,
      CONSOLE_SESSION_UNBOUND: 403,
      SIGNATURE_INVALID: 401,
      SIGNATURE_EXPIRED: 401,
      SIGNATURE_REPLAYED: 401,
      TOO_MANY_SIGNED_REQUESTS: 429,
    });
    expect(statusFor('NOT_ACTIVATED')).toBe(404);
    expect(statusFor('LICENSE_FILE_NOT_GENUINE')).toBe(400);
  });

  it("names the agent's unknown endpoint apart from Keygen's unknown license key", () => {
    expect(AGENT_CODES).not.toContain('NOT_FOUND');
    expect(describeFailure('ENDPOINT_NOT_FOUND')).toMatchObject({ status: 404, exit: 2, title: 'No such endpoint' });
    expect(describeFailure('NOT_FOUND')).toMatchObject({ status: 400, exit: 1, title: MESSAGES.NOT_FOUND.title });
  });
});
