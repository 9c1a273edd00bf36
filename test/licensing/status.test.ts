/**
 * The pure status decision: offline verdicts from a verified file (suspension, the license's own
 * expiry, overdue check-in), the server's answer on top (override, silence, untrusted answers),
 * warnings, and the facts shown to people (masked key, sorted entitlements).
 */
import { describe, expect, it } from 'vitest';
import type { FailureCode, Result } from '../../src/contract/codes.js';
import { fail } from '../../src/contract/messages.js';
import type { Validation } from '../../src/keygen/client.types.js';
import type { Resource, VerifiedLicenseFile } from '../../src/license-file/types.js';
import { factsOf, licenseIdOf, maskKey } from '../../src/licensing/facts.js';
import type { StatusReport } from '../../src/licensing/manager.types.js';
import { decideOffline, mergeOnline, notActivatedReport } from '../../src/licensing/status.js';
import type { InstalledRecord } from '../../src/licensing/state.types.js';

const NOW = Date.parse('2031-03-01T12:00:00.000Z');
const DAY = 86_400_000;
const LICENSE_ID = '2c2e5a9e-7d3c-4b8e-9a55-0d6a4a1f0001';
const KEY = 'ABCDEF-123456-7890AB-CDEF12-345678-V3';
const iso = (ms: number): string => new Date(ms).toISOString();

function resource(type: string, id: string, attributes: Record<string, unknown>, relationships?: Record<string, unknown>): Resource {
  return { id, type, attributes, ...(relationships === undefined ? {} : { relationships }) };
}

function file(options: { license?: Record<string, unknown>; expiry?: number | null; strategy?: string } = {}): VerifiedLicenseFile {
  const license = resource(
    'licenses',
    LICENSE_ID,
    { name: 'Pro', key: KEY, status: 'ACTIVE', expiry: iso(NOW + 365 * DAY), suspended: false, nextCheckIn: null, ...options.license },
    { policy: { data: { type: 'policies', id: 'policy-1' } }, product: { data: { type: 'products', id: 'product-1' } } },
  );
  const machine = resource('machines', 'machine-1', { fingerprint: 'f'.repeat(64), name: 'laptop' }, { license: { data: { type: 'licenses', id: LICENSE_ID } } });
  const entitlements = ['PRO', 'CORE', 'PRO'].map((code, index) => resource('entitlements', `e${index}`, { code }));
  const policy = options.strategy === undefined ? null : resource('policies', 'policy-1', { name: 'Yearly', expirationStrategy: options.strategy });
  const expiry = options.expiry === undefined ? NOW + 30 * DAY : options.expiry;
  return {
    kind: 'machine',
    alg: 'aes-256-gcm+ed25519',
    encrypted: true,
    meta: { issued: iso(NOW - DAY), expiry: expiry === null ? null : iso(expiry), ttl: null },
    license,
    machine,
    product: null,
    policy,
    entitlements,
    owner: null,
    users: [],
    components: [],
    included: [],
    payload: '{}',
  };
}

function record(overrides: Partial<InstalledRecord> = {}): InstalledRecord {
  return {
    id: LICENSE_ID,
    kind: 'machine',
    source: 'activation',
    certificate: '-----BEGIN MACHINE FILE-----\n…\n-----END MACHINE FILE-----',
    machineId: 'machine-1',
    fingerprint: 'f'.repeat(64),
    licenseKeyRef: `license:${LICENSE_ID}`,
    label: null,
    pinned: false,
    lastCheckInAt: null,
    nextCheckInAt: null,
    requireHeartbeat: false,
    heartbeatDuration: null,
    installedAt: NOW - DAY,
    updatedAt: NOW - DAY,
    ...overrides,
  };
}

function offline(verified: Result<VerifiedLicenseFile>, overrides: Partial<InstalledRecord> = {}, now = NOW): StatusReport {
  return decideOffline({ record: record(overrides), verified, keyHint: maskKey(KEY), now });
}

const ok = <T>(value: T): Result<T> => ({ ok: true, value });

describe('the offline decision', () => {
  it('a verified, current file is VALID with its facts', () => {
    const report = offline(ok(file()));
    expect(report).toMatchObject({ licensed: true, code: 'VALID', source: 'offline', fileExpiry: iso(NOW + 30 * DAY), warnings: [] });
    expect(report.license).toEqual({
      id: LICENSE_ID,
      name: 'Pro',
      keyHint: 'ABCDEF…V3',
      status: 'ACTIVE',
      expiry: iso(NOW + 365 * DAY),
      policy: { id: 'policy-1', name: null },
      product: { id: 'product-1', name: null },
      entitlements: ['CORE', 'PRO'],
      machine: { id: 'machine-1', name: 'laptop', fingerprint: 'f'.repeat(64) },
    });
  });

  it("the engine's refusal is the answer, with no facts", () => {
    for (const code of ['LICENSE_FILE_EXPIRED', 'CLOCK_ROLLED_BACK', 'FINGERPRINT_MISMATCH', 'LICENSE_KEY_REQUIRED', 'KEYCHAIN_UNAVAILABLE'] as const) {
      const report = offline(fail(code));
      expect(report).toMatchObject({ licensed: false, code, source: 'offline', license: null, warnings: [] });
      expect(report.message.length).toBeGreaterThan(0);
    }
  });

  it('a suspension signed in the file is SUSPENDED', () => {
    expect(offline(ok(file({ license: { suspended: true } }))).code).toBe('SUSPENDED');
  });

  it("the license's own expiry in the past is EXPIRED, unless its policy keeps access", () => {
    const expired = file({ license: { expiry: iso(NOW - 1000) } });
    expect(offline(ok(expired))).toMatchObject({ licensed: false, code: 'EXPIRED' });
    const maintained = file({ license: { expiry: iso(NOW - 1000) }, strategy: 'MAINTAIN_ACCESS' });
    const report = offline(ok(maintained));
    expect(report).toMatchObject({ licensed: true, code: 'VALID' });
    expect(report.warnings.map((warning) => warning.code)).toContain('LICENSE_EXPIRING');
  });

  it('a passed check-in is OVERDUE; the record’s time wins over the file’s', () => {
    expect(offline(ok(file()), { nextCheckInAt: NOW - 1 }).code).toBe('OVERDUE');
    expect(offline(ok(file({ license: { nextCheckIn: iso(NOW - 1) } }))).code).toBe('OVERDUE');
    expect(offline(ok(file({ license: { nextCheckIn: iso(NOW - 1) } })), { nextCheckInAt: NOW + 7 * DAY }).code).toBe('VALID');
  });

  it('warns about a license expiring within 30 days, a file within 3 days, and a check-in due soon', () => {
    const report = offline(ok(file({ license: { expiry: iso(NOW + 20 * DAY) }, expiry: NOW + 2 * DAY })), { nextCheckInAt: NOW + 3_600_000 });
    expect(report.licensed).toBe(true);
    expect(report.warnings).toEqual([
      { code: 'LICENSE_EXPIRING', message: expect.stringContaining(iso(NOW + 20 * DAY)), at: iso(NOW + 20 * DAY) },
      { code: 'FILE_EXPIRING', message: expect.stringContaining(iso(NOW + 2 * DAY)), at: iso(NOW + 2 * DAY) },
      { code: 'CHECK_IN_OVERDUE', message: `Check in before ${iso(NOW + 3_600_000)}.`, at: iso(NOW + 3_600_000) },
    ]);
    const calm = offline(ok(file({ license: { expiry: iso(NOW + 31 * DAY) }, expiry: NOW + 4 * DAY })), { nextCheckInAt: NOW + 2 * DAY });
    expect(calm.warnings).toEqual([]);
  });

  it('a check-in due within a quarter of a short interval is announced, not before', () => {
    const interval = { lastCheckInAt: NOW - 17 * 3_600_000, nextCheckInAt: NOW + 7 * 3_600_000 };
    expect(offline(ok(file()), interval).warnings).toEqual([]);
    const later = { lastCheckInAt: NOW - 19 * 3_600_000, nextCheckInAt: NOW + 5 * 3_600_000 };
    expect(offline(ok(file()), later).warnings.map((warning) => warning.code)).toEqual(['CHECK_IN_OVERDUE']);
  });

  it('nothing installed is NOT_ACTIVATED', () => {
    expect(notActivatedReport()).toMatchObject({ licensed: false, code: 'NOT_ACTIVATED', source: 'offline', license: null });
  });
});

describe('the online answer on top', () => {
  const context = { keyHint: maskKey(KEY), lastCheckInAt: null, now: NOW };
  const validation = (valid: boolean, code: string, license: Validation['license'] = null): Result<Validation> => ok({ valid, code, detail: code, license });

  it('a server VALID confirms, and refreshes the facts from the live license', () => {
    const live = { id: LICENSE_ID, type: 'licenses', attributes: { name: 'Pro (renewed)', status: 'ACTIVE', expiry: iso(NOW + 700 * DAY), nextCheckIn: null } };
    const report = mergeOnline(offline(ok(file())), validation(true, 'VALID', live), context);
    expect(report).toMatchObject({ licensed: true, code: 'VALID', source: 'online' });
    expect(report.license).toMatchObject({ name: 'Pro (renewed)', expiry: iso(NOW + 700 * DAY), entitlements: ['CORE', 'PRO'] });
  });

  it('a server VALID overrides an offline refusal; the facts come from the live license', () => {
    const live = { id: LICENSE_ID, type: 'licenses', attributes: { name: 'Pro', status: 'ACTIVE', expiry: null } };
    const report = mergeOnline(offline(fail('LICENSE_FILE_EXPIRED')), validation(true, 'VALID', live), context);
    expect(report).toMatchObject({ licensed: true, code: 'VALID', source: 'online', license: { id: LICENSE_ID, name: 'Pro', keyHint: 'ABCDEF…V3' } });
  });

  it('a server refusal overrides a valid file with its Keygen code; an unknown code is REQUEST_REFUSED', () => {
    expect(mergeOnline(offline(ok(file())), validation(false, 'SUSPENDED'), context)).toMatchObject({ licensed: false, code: 'SUSPENDED', source: 'online', warnings: [] });
    expect(mergeOnline(offline(ok(file())), validation(false, 'ENVIRONMENT_SCOPE_MISMATCH'), context).code).toBe('REQUEST_REFUSED');
  });

  it('an unreachable, rate-limited or failing server leaves the offline answer', () => {
    const base = offline(ok(file()));
    for (const code of ['ISSUER_UNREACHABLE', 'ISSUER_RATE_LIMITED', 'ISSUER_ERROR'] as const) {
      expect(mergeOnline(base, fail(code), context)).toBe(base);
    }
  });

  it('an answer that cannot be trusted is never a VALID: not licensed, with its code', () => {
    const codes: FailureCode[] = ['RESPONSE_SIGNATURE_INVALID', 'RESPONSE_SIGNATURE_MISSING', 'RESPONSE_NONCE_MISMATCH', 'RESPONSE_SCOPE_MISMATCH', 'RESPONSE_MALFORMED', 'LICENSE_INVALID'];
    for (const code of codes) {
      expect(mergeOnline(offline(ok(file())), fail(code), context)).toMatchObject({ licensed: false, code, source: 'online', warnings: [] });
    }
  });
});

describe('facts', () => {
  it('masks keys: 6 leading and 2 trailing characters at most, short ones entirely', () => {
    expect(maskKey(KEY)).toBe('ABCDEF…V3');
    expect(maskKey('12345678')).toBe('••••••••');
    expect(maskKey('123456789012')).toBe('123…12');
    for (const key of [KEY, 'abcdefghij', 'x'.repeat(200)]) expect(maskKey(key)).not.toContain(key);
  });

  it("the license id comes from the license, else from the machine's relationship", () => {
    expect(licenseIdOf(file())).toBe(LICENSE_ID);
    expect(licenseIdOf({ ...file(), license: null })).toBe(LICENSE_ID);
    expect(licenseIdOf({ ...file(), license: null, machine: resource('machines', 'm', { fingerprint: 'x' }) })).toBeNull();
  });

  it('a machine without a fingerprint is not shown as a machine', () => {
    expect(factsOf({ ...file(), machine: resource('machines', 'm', {}) }, null).machine).toBeNull();
  });
});
