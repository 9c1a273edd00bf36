/**
 * The offline verdict, a pure function of signed evidence: the verified file, the server's kept
 * answers and their dates, the vendor's terms and the time. Then the server's answer on top
 * (override, silence, unverifiable or untrusted answers), warnings, and the facts shown to
 * people (masked key, sorted entitlements). Every attack on an editable field has no field to
 * attack: the record carries no dates.
 */
import { describe, expect, it } from 'vitest';
import type { FailureCode, Result } from '../../src/contract/codes.js';
import { fail, messageFor } from '../../src/contract/messages.js';
import type { SignedAnswer, Validation } from '../../src/keygen/client.types.js';
import type { Resource, VerifiedLicenseFile } from '../../src/license-file/types.js';
import type { ReadAnswer } from '../../src/licensing/evidence.js';
import { factsOf, licenseIdOf, maskKey } from '../../src/licensing/facts.js';
import type { StatusReport } from '../../src/licensing/manager.types.js';
import { offlineTerms, type OfflineTerms } from '../../src/licensing/offline-terms.js';
import { mergeOnline, notActivatedReport } from '../../src/licensing/status.js';
import { NO_EVIDENCE, type InstalledRecord } from '../../src/licensing/state.types.js';
import { judge, summaryOf, withSummary, type DecisionTime } from '../../src/licensing/verdict.js';

const NOW = Date.parse('2031-03-01T12:00:00.000Z');
const DAY = 86_400_000;
const MINUTE = 60_000;
const LICENSE_ID = '2c2e5a9e-7d3c-4b8e-9a55-0d6a4a1f0001';
const PRODUCT_ID = '7e1f7d2a-0b0c-4f5e-8d9a-0c1b2a3f4e5d';
const KEY = 'ABCDEF-123456-7890AB-CDEF12-345678-V3';
const iso = (ms: number): string => new Date(ms).toISOString();

function resource(type: string, id: string, attributes: Record<string, unknown>, relationships?: Record<string, unknown>): Resource {
  return { id, type, attributes, ...(relationships === undefined ? {} : { relationships }) };
}

interface FileOptions {
  license?: Record<string, unknown>;
  issued?: number;
  expiry?: number | null;
  strategy?: string;
  kind?: 'license' | 'machine';
  product?: string;
  entitlements?: readonly string[];
  /** The signed TTL; default: the span from issued to expiry. */
  ttl?: number | null;
}

function file(options: FileOptions = {}): VerifiedLicenseFile {
  const license = resource(
    'licenses',
    LICENSE_ID,
    { name: 'Pro', key: KEY, status: 'ACTIVE', expiry: iso(NOW + 365 * DAY), suspended: false, maxMachines: 1, nextCheckIn: null, lastCheckIn: null, ...options.license },
    { policy: { data: { type: 'policies', id: 'policy-1' } }, product: { data: { type: 'products', id: options.product ?? PRODUCT_ID } } },
  );
  const kind = options.kind ?? 'machine';
  const machine = kind === 'license' ? null : resource('machines', 'machine-1', { fingerprint: 'f'.repeat(64), name: 'laptop' }, { license: { data: { type: 'licenses', id: LICENSE_ID } } });
  const entitlements = (options.entitlements ?? ['PRO', 'CORE', 'PRO']).map((code, index) => resource('entitlements', `e${index}`, { code }));
  const policy = options.strategy === undefined ? null : resource('policies', 'policy-1', { name: 'Yearly', expirationStrategy: options.strategy });
  const issued = options.issued ?? NOW - DAY;
  const expiry = options.expiry === undefined ? NOW + 29 * DAY : options.expiry;
  return {
    kind,
    alg: 'aes-256-gcm+ed25519',
    encrypted: true,
    meta: { issued: iso(issued), expiry: expiry === null ? null : iso(expiry), ttl: options.ttl !== undefined ? options.ttl : expiry === null ? null : Math.round((expiry - issued) / 1000) },
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
    evidence: NO_EVIDENCE,
    deactivating: null,
    installedAt: NOW - DAY,
    updatedAt: NOW - DAY,
    ...overrides,
  };
}

/** A kept answer as the verdict sees it: already verified (evidence.test.ts tests the verification). */
function answer(date: number, document: unknown, target = `/v1/accounts/a/licenses/${LICENSE_ID}/actions/validate`, status = 200): ReadAnswer {
  const signed: SignedAnswer = { method: 'POST', target, host: 'api.example', status, date: new Date(date).toUTCString(), digest: 'sha-256=x', signature: 'x', body: JSON.stringify(document) };
  return { answer: signed, date, document };
}

const validationAnswer = (date: number, valid: boolean, code: string, license: Record<string, unknown> = {}): ReadAnswer =>
  answer(date, { data: { id: LICENSE_ID, type: 'licenses', attributes: { status: 'ACTIVE', expiry: iso(NOW + 365 * DAY), ...license } }, meta: { valid, code, detail: code } });

const TERMS: OfflineTerms = offlineTerms({ apiUrl: 'https://api.example', account: 'a', product: PRODUCT_ID, publicKey: 'x' });
const TIME: DecisionTime = { now: NOW, local: NOW, trusted: false, watermark: NOW - DAY, toleranceMs: 15 * MINUTE };

interface Case {
  verified?: Result<VerifiedLicenseFile>;
  record?: Partial<InstalledRecord>;
  confirmation?: ReadAnswer | null;
  refusal?: ReadAnswer | null;
  time?: Partial<DecisionTime>;
  terms?: Partial<OfflineTerms>;
}

function offline(inputs: Case = {}): StatusReport {
  return judge({
    record: record(inputs.record),
    verified: inputs.verified ?? ok(file()),
    confirmation: inputs.confirmation ?? null,
    refusal: inputs.refusal ?? null,
    keyHint: maskKey(KEY),
    time: { ...TIME, ...inputs.time },
    terms: { ...TERMS, ...inputs.terms },
  });
}

const ok = <T>(value: T): Result<T> => ({ ok: true, value });

describe('the offline decision', () => {
  it('a verified, current file is VALID with its facts, and says what it rests on and until when', () => {
    const report = withSummary(offline());
    expect(report).toMatchObject({ licensed: true, code: 'VALID', source: 'offline', fileExpiry: iso(NOW + 29 * DAY), warnings: [] });
    expect(report.license).toEqual({
      id: LICENSE_ID,
      name: 'Pro',
      keyHint: 'ABCDEF…V3',
      status: 'ACTIVE',
      expiry: iso(NOW + 365 * DAY),
      policy: { id: 'policy-1', name: null },
      product: { id: PRODUCT_ID, name: null },
      entitlements: ['CORE', 'PRO'],
      machine: { id: 'machine-1', name: 'laptop', fingerprint: 'f'.repeat(64) },
    });
    expect(report.basis).toEqual({ kind: 'machine-file', until: iso(NOW + 29 * DAY), checkInBy: null });
    expect(report.summary).toBe('Licensed offline until 30 Mar 2031 (machine file).');
  });

  it('the summary names the check-in deadline and the earlier of the file and license expiry', () => {
    const report = withSummary(offline({ verified: ok(file({ license: { expiry: iso(NOW + 10 * DAY), nextCheckIn: iso(NOW + 3 * DAY) } })) }));
    expect(report.summary).toBe('Licensed offline until 11 Mar 2031 (machine file); check in by 4 Mar 2031.');
    expect(summaryOf({ ...report, source: 'online' })).toMatch(/^Licensed \(confirmed online now\) until/);
    expect(summaryOf(offline({ verified: fail('LICENSE_FILE_EXPIRED') }))).toBe(messageFor('LICENSE_FILE_EXPIRED').message);
  });

  it("the engine's refusal is the answer, with no facts", () => {
    for (const code of ['LICENSE_FILE_EXPIRED', 'FINGERPRINT_MISMATCH', 'LICENSE_KEY_REQUIRED', 'KEYCHAIN_UNAVAILABLE'] as const) {
      const report = offline({ verified: fail(code) });
      expect(report).toMatchObject({ licensed: false, code, source: 'offline', license: null, basis: null, warnings: [] });
      expect(report.message.length).toBeGreaterThan(0);
    }
  });

  it('a license being deactivated is not licensed, whatever its file says', () => {
    expect(offline({ record: { deactivating: NOW - MINUTE } })).toMatchObject({ licensed: false, code: 'DEACTIVATION_INCOMPLETE' });
  });

  it('a suspension signed in the file is SUSPENDED', () => {
    expect(offline({ verified: ok(file({ license: { suspended: true } })) }).code).toBe('SUSPENDED');
  });

  it("the license's own expiry in the past is EXPIRED, unless its policy keeps access", () => {
    expect(offline({ verified: ok(file({ license: { expiry: iso(NOW - 1000) } })) })).toMatchObject({ licensed: false, code: 'EXPIRED' });
    const report = offline({ verified: ok(file({ license: { expiry: iso(NOW - 1000) }, strategy: 'MAINTAIN_ACCESS' })) });
    expect(report).toMatchObject({ licensed: true, code: 'VALID' });
    expect(report.warnings.map((warning) => warning.code)).toContain('LICENSE_EXPIRING');
  });

  it('warns about a license expiring within 30 days, a file within 3 days, and a check-in due soon', () => {
    const report = offline({ verified: ok(file({ license: { expiry: iso(NOW + 20 * DAY), nextCheckIn: iso(NOW + 3_600_000) }, expiry: NOW + 2 * DAY })) });
    expect(report.licensed).toBe(true);
    expect(report.warnings).toEqual([
      { code: 'LICENSE_EXPIRING', message: expect.stringContaining(iso(NOW + 20 * DAY)), at: iso(NOW + 20 * DAY) },
      { code: 'FILE_EXPIRING', message: expect.stringContaining(iso(NOW + 2 * DAY)), at: iso(NOW + 2 * DAY) },
      { code: 'CHECK_IN_OVERDUE', message: `Check in before ${iso(NOW + 3_600_000)}.`, at: iso(NOW + 3_600_000) },
    ]);
    const calm = offline({ verified: ok(file({ license: { expiry: iso(NOW + 31 * DAY), nextCheckIn: iso(NOW + 2 * DAY) }, expiry: NOW + 4 * DAY })) });
    expect(calm.warnings).toEqual([]);
  });

  it('a check-in due within a quarter of a short interval is announced, not before', () => {
    const interval = { lastCheckIn: iso(NOW - 17 * 3_600_000), nextCheckIn: iso(NOW + 7 * 3_600_000) };
    expect(offline({ verified: ok(file({ license: interval })) }).warnings).toEqual([]);
    const later = { lastCheckIn: iso(NOW - 19 * 3_600_000), nextCheckIn: iso(NOW + 5 * 3_600_000) };
    expect(offline({ verified: ok(file({ license: later })) }).warnings.map((warning) => warning.code)).toEqual(['CHECK_IN_OVERDUE']);
  });

  it('nothing installed is NOT_ACTIVATED', () => {
    expect(notActivatedReport()).toMatchObject({ licensed: false, code: 'NOT_ACTIVATED', source: 'offline', license: null });
  });
});

describe('deadlines come from signed data', () => {
  it('a passed check-in signed in the file is OVERDUE', () => {
    expect(offline({ verified: ok(file({ license: { nextCheckIn: iso(NOW - 1) } })) }).code).toBe('OVERDUE');
  });

  it('a signed check-in newer than the file moves the deadline; an older one does not', () => {
    const overdueFile = ok(file({ license: { nextCheckIn: iso(NOW - 1) } }));
    const checkedIn = validationAnswer(NOW - 60_000, true, 'VALID', { lastCheckIn: iso(NOW - 60_000), nextCheckIn: iso(NOW + 7 * DAY) });
    expect(offline({ verified: overdueFile, confirmation: checkedIn })).toMatchObject({ licensed: true, nextCheckIn: iso(NOW + 7 * DAY) });
    const stale = validationAnswer(NOW - 2 * DAY, true, 'VALID', { nextCheckIn: iso(NOW + 7 * DAY) });
    expect(offline({ verified: overdueFile, confirmation: stale }).code).toBe('OVERDUE');
  });
});

describe('the clock', () => {
  it('set back before the latest signed date, beyond the tolerance, is CLOCK_ROLLED_BACK, saying both times', () => {
    const report = offline({ time: { local: NOW - DAY - 16 * MINUTE, now: NOW - DAY - 16 * MINUTE } });
    expect(report).toMatchObject({ licensed: false, code: 'CLOCK_ROLLED_BACK' });
    expect(report.message).toContain(iso(NOW - DAY));
    expect(report.message).toContain(iso(NOW - DAY - 16 * MINUTE));
  });

  it('a few seconds, or minutes within the tolerance, behind the watermark is normal drift', () => {
    expect(offline({ time: { local: NOW - DAY - 3_000, now: NOW - DAY - 3_000 } }).code).toBe('VALID');
    expect(offline({ time: { local: NOW - DAY - 14 * MINUTE, now: NOW - DAY - 14 * MINUTE } }).code).toBe('VALID');
  });

  it('once a fresh signed server time is known, a wrong local clock does not matter', () => {
    expect(offline({ time: { local: NOW - 30 * DAY, now: NOW, trusted: true } }).code).toBe('VALID');
  });
});

describe("the vendor's terms, checked offline", () => {
  it('a license file licenses a machine only when its license has no machine limit (default), or when the vendor allows it', () => {
    const limited = ok(file({ kind: 'license', license: { maxMachines: 3 } }));
    const unlimited = ok(file({ kind: 'license', license: { maxMachines: null } }));
    expect(offline({ verified: limited, record: { kind: 'license' } }).code).toBe('MACHINE_FILE_REQUIRED');
    expect(offline({ verified: unlimited, record: { kind: 'license' } }).code).toBe('VALID');
    expect(offline({ verified: limited, record: { kind: 'license' }, terms: { licenseFiles: 'always' } }).code).toBe('VALID');
    expect(offline({ verified: unlimited, record: { kind: 'license' }, terms: { licenseFiles: 'never' } }).code).toBe('MACHINE_FILE_REQUIRED');
    // A machine file is bound to this machine: the limit does not matter.
    expect(offline({ verified: ok(file({ license: { maxMachines: 3 } })) }).code).toBe('VALID');
  });

  it('a file that never expires is refused unless the vendor allows it', () => {
    expect(offline({ verified: ok(file({ expiry: null })) }).code).toBe('LICENSE_FILE_NEVER_EXPIRES');
    expect(offline({ verified: ok(file({ expiry: null })), terms: { allowPerpetual: true } }).code).toBe('VALID');
    // A perpetual file's TTL is null: nothing to compare with the longest lifetime.
    expect(offline({ verified: ok(file({ expiry: null, ttl: null })), terms: { allowPerpetual: true, maxFileTtlSeconds: 3600 } }).code).toBe('VALID');
  });

  it('a file that lives longer than the vendor allows is refused; a calendar year is not too long', () => {
    const year = offlineTerms({ apiUrl: 'https://a.example', account: 'a', product: null, publicKey: 'x' });
    const yearTerms = { maxFileLifetimeMs: year.maxFileLifetimeMs, maxFileTtlSeconds: year.maxFileTtlSeconds };
    // A year's TTL spans 366 days across a leap day on the calendar: accepted.
    expect(offline({ verified: ok(file({ issued: NOW - DAY, expiry: NOW - DAY + 366 * DAY, ttl: 31_556_952 })), terms: yearTerms }).code).toBe('VALID');
    expect(offline({ verified: ok(file({ issued: NOW - DAY, expiry: NOW - DAY + 368 * DAY, ttl: 31_556_952 })), terms: yearTerms }).code).toBe('LICENSE_FILE_LIFETIME_TOO_LONG');
    expect(offline({ verified: ok(file({ issued: NOW - DAY, expiry: NOW + 30 * DAY, ttl: 31_556_953 })), terms: yearTerms }).code).toBe('LICENSE_FILE_LIFETIME_TOO_LONG');
    const monthly = offlineTerms({ apiUrl: 'https://a.example', account: 'a', product: null, publicKey: 'x', checkoutTtl: 2_629_746 });
    expect(offline({ verified: ok(file({ expiry: NOW + 60 * DAY })), terms: { maxFileLifetimeMs: monthly.maxFileLifetimeMs, maxFileTtlSeconds: monthly.maxFileTtlSeconds } }).code).toBe('LICENSE_FILE_LIFETIME_TOO_LONG');
  });

  it("the product and the required entitlements, from the file's signed license, as online", () => {
    expect(offline({ verified: ok(file({ product: '00000000-0000-4000-8000-000000000000' })) }).code).toBe('PRODUCT_MISMATCH');
    expect(offline({ terms: { product: null }, verified: ok(file({ product: '00000000-0000-4000-8000-000000000000' })) }).code).toBe('VALID');
    expect(offline({ terms: { requiredEntitlements: ['PRO', 'EXPORT'] } }).code).toBe('ENTITLEMENTS_MISSING');
    expect(offline({ terms: { requiredEntitlements: ['PRO', 'CORE'] } }).code).toBe('VALID');
  });
});

describe('signed refusals are remembered', () => {
  it('a kept refusal newer than the file outranks it: suspended, expired, banned, revoked, machine gone', () => {
    const cases: [ReadAnswer, FailureCode][] = [
      [validationAnswer(NOW - MINUTE, false, 'SUSPENDED'), 'SUSPENDED'],
      [validationAnswer(NOW - MINUTE, false, 'EXPIRED'), 'EXPIRED'],
      [validationAnswer(NOW - MINUTE, false, 'BANNED'), 'BANNED'],
      [validationAnswer(NOW - MINUTE, false, 'NOT_FOUND'), 'NOT_FOUND'],
      [validationAnswer(NOW - MINUTE, false, 'FINGERPRINT_SCOPE_MISMATCH'), 'MACHINE_DEACTIVATED'],
      [answer(NOW - MINUTE, { errors: [{ code: 'NOT_FOUND' }] }, '/v1/accounts/a/machines/machine-1/actions/ping', 404), 'MACHINE_DEACTIVATED'],
      [answer(NOW - MINUTE, { errors: [{ code: 'LICENSE_SUSPENDED' }] }, `/v1/accounts/a/licenses/${LICENSE_ID}/actions/check-in`, 403), 'SUSPENDED'],
    ];
    for (const [refusal, code] of cases) expect(offline({ refusal }), code).toMatchObject({ licensed: false, code });
  });

  it('until newer signed evidence supersedes it: a fresh file, or a newer confirmation', () => {
    const refusal = validationAnswer(NOW - DAY, false, 'SUSPENDED');
    expect(offline({ refusal, verified: ok(file({ issued: NOW - DAY + MINUTE })) }).code).toBe('VALID');
    expect(offline({ refusal, verified: ok(file({ issued: NOW - 2 * DAY })), confirmation: validationAnswer(NOW - DAY + MINUTE, true, 'VALID') }).code).toBe('VALID');
    expect(offline({ refusal, verified: ok(file({ issued: NOW - 2 * DAY })) }).code).toBe('SUSPENDED');
  });

  it('a refusal in the same second as the file or the confirmation is the later one (signed dates are whole seconds, file dates are not)', () => {
    const second = Math.floor((NOW - DAY) / 1000) * 1000;
    const refusal = validationAnswer(second, false, 'SUSPENDED');
    expect(offline({ refusal, verified: ok(file({ issued: second + 899 })) }).code).toBe('SUSPENDED');
    expect(offline({ refusal, verified: ok(file({ issued: second - DAY })), confirmation: validationAnswer(second, true, 'VALID') }).code).toBe('SUSPENDED');
    // The next second, the file is newer.
    expect(offline({ refusal, verified: ok(file({ issued: second + 1000 })) }).code).toBe('VALID');
  });

  it('answers that refuse nothing lasting are not refusals', () => {
    expect(offline({ refusal: validationAnswer(NOW - MINUTE, false, 'HEARTBEAT_DEAD') }).code).toBe('VALID');
    expect(offline({ refusal: validationAnswer(NOW - MINUTE, false, 'ENTITLEMENTS_MISSING') }).code).toBe('VALID');
  });
});

describe('the online answer on top', () => {
  const context = { keyHint: maskKey(KEY), now: NOW };
  const signed: SignedAnswer = { method: 'POST', target: '/', host: 'h', status: 200, date: 'x', digest: 'x', signature: 'x', body: '{}' };
  const validation = (valid: boolean, code: string, license: Validation['license'] = null): Result<Validation> =>
    ok({ valid, code, detail: code, license, answer: signed, serverTime: NOW });

  it('a server VALID confirms, and refreshes the facts from the live license', () => {
    const live = { id: LICENSE_ID, type: 'licenses', attributes: { name: 'Pro (renewed)', status: 'ACTIVE', expiry: iso(NOW + 700 * DAY), nextCheckIn: null } };
    const report = mergeOnline(offline(), validation(true, 'VALID', live), context);
    expect(report).toMatchObject({ licensed: true, code: 'VALID', source: 'online' });
    expect(report.license).toMatchObject({ name: 'Pro (renewed)', expiry: iso(NOW + 700 * DAY), entitlements: ['CORE', 'PRO'] });
  });

  it('a server VALID overrides an offline refusal; the facts come from the live license', () => {
    const live = { id: LICENSE_ID, type: 'licenses', attributes: { name: 'Pro', status: 'ACTIVE', expiry: null } };
    const report = mergeOnline(offline({ verified: fail('LICENSE_FILE_EXPIRED') }), validation(true, 'VALID', live), context);
    expect(report).toMatchObject({ licensed: true, code: 'VALID', source: 'online', license: { id: LICENSE_ID, name: 'Pro', keyHint: 'ABCDEF…V3' } });
  });

  it('a server refusal overrides a valid file with its Keygen code; an unknown code is REQUEST_REFUSED', () => {
    expect(mergeOnline(offline(), validation(false, 'SUSPENDED'), context)).toMatchObject({ licensed: false, code: 'SUSPENDED', source: 'online', warnings: [] });
    expect(mergeOnline(offline(), validation(false, 'ENVIRONMENT_SCOPE_MISMATCH'), context).code).toBe('REQUEST_REFUSED');
  });

  it('an unreachable or rate-limited server leaves the offline answer as it is', () => {
    const base = offline();
    for (const code of ['ISSUER_UNREACHABLE', 'ISSUER_RATE_LIMITED'] as const) expect(mergeOnline(base, fail(code), context)).toBe(base);
  });

  it('an answer that could not be verified (a gateway page, a cut reply, a TLS failure) leaves the offline verdict, with a warning saying what came back', () => {
    const base = offline();
    for (const code of ['ISSUER_ANSWER_UNVERIFIABLE', 'ISSUER_ERROR', 'TLS_CERTIFICATE_UNTRUSTED'] as const) {
      const report = mergeOnline(base, { ...fail(code), detail: 'HTTP 502 from a gateway' }, context);
      expect(report).toMatchObject({ licensed: true, code: 'VALID', source: 'offline' });
      expect(report.warnings).toEqual([{ code: 'ANSWER_UNVERIFIABLE', message: expect.stringContaining('HTTP 502 from a gateway'), at: iso(NOW) }]);
    }
  });

  it('a forged or altered signed answer is never a VALID: not licensed, with its code', () => {
    const codes: FailureCode[] = ['RESPONSE_SIGNATURE_INVALID', 'RESPONSE_DIGEST_MISMATCH', 'RESPONSE_NONCE_MISMATCH', 'RESPONSE_SCOPE_MISMATCH', 'RESPONSE_MALFORMED', 'LICENSE_INVALID'];
    for (const code of codes) {
      expect(mergeOnline(offline(), fail(code), context)).toMatchObject({ licensed: false, code, source: 'online', warnings: [] });
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
