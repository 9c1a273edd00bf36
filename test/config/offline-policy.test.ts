/** The vendor's offline terms (`offline` in tessera.config.json): strict parsing, combinations, defaults. */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KEYGEN_MAX_FILE_TTL, offlinePolicy } from '../../src/config/offline-policy.js';
import { parseVendorConfig } from '../../src/config/parse-vendor-config.js';

const PUBLIC_KEY = (() => {
  const der = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32).toString('hex');
})();
const VALID = { apiUrl: 'https://api.keygen.sh', account: 'vendor', product: null, publicKey: PUBLIC_KEY } as const;

const parse = (extra: Record<string, unknown>) => parseVendorConfig({ ...VALID, ...extra });

describe('offline terms: defaults', () => {
  it('license files only without a machine limit, no perpetual files, one Keygen year, 15 minutes', () => {
    const parsed = parse({});
    if (!parsed.ok) throw new Error(parsed.detail);
    expect('offline' in parsed.value).toBe(false);
    expect(offlinePolicy(parsed.value)).toEqual({ licenseFiles: 'unlimited-only', allowPerpetual: false, maxFileTtl: 31_556_952, clockToleranceMinutes: 15 });
    // ActiveSupport's 1.year: 365.2425 days, Keygen's former cap on a check-out TTL.
    expect(KEYGEN_MAX_FILE_TTL).toBe(365.2425 * 86_400);
  });

  it('the longest lifetime is checkoutTtl when it is set and maxFileTtl is not, even beyond a year', () => {
    expect(offlinePolicy({ checkoutTtl: 7 * 86_400 }).maxFileTtl).toBe(7 * 86_400);
    expect(offlinePolicy({ checkoutTtl: 2 * KEYGEN_MAX_FILE_TTL }).maxFileTtl).toBe(2 * KEYGEN_MAX_FILE_TTL);
    expect(offlinePolicy({ checkoutTtl: 7 * 86_400, offline: { maxFileTtl: 30 * 86_400 } }).maxFileTtl).toBe(30 * 86_400);
    expect(offlinePolicy({ checkoutTtl: null, offline: { allowPerpetual: true } }).maxFileTtl).toBe(KEYGEN_MAX_FILE_TTL);
  });
});

describe('offline terms: parsing', () => {
  it('accepts every field, and keeps what was written', () => {
    const offline = { licenseFiles: 'always', allowPerpetual: true, maxFileTtl: 3_600, clockToleranceMinutes: 1_440 };
    const parsed = parse({ checkoutTtl: 3_600, offline });
    expect(parsed).toEqual({ ok: true, value: { ...VALID, checkoutTtl: 3_600, offline } });
    if (parsed.ok) expect(offlinePolicy(parsed.value)).toEqual(offline);
  });

  it.each(['never', 'unlimited-only', 'always'])('accepts licenseFiles "%s"', (licenseFiles) => {
    expect(parse({ offline: { licenseFiles } })).toMatchObject({ ok: true, value: { offline: { licenseFiles } } });
  });

  it.each([
    ['offline', 'yes', '"offline" must be an object'],
    ['offline', null, '"offline" must be an object'],
    ['offline', { licenceFiles: 'always' }, 'unknown key "offline.licenceFiles"'],
    ['licenseFiles', 'sometimes', '"offline.licenseFiles" must be one of "never", "unlimited-only", "always"'],
    ['allowPerpetual', 'true', '"offline.allowPerpetual" must be true or false'],
    ['maxFileTtl', 3_599, '"offline.maxFileTtl" must be a whole number of seconds from 3600'],
    ['maxFileTtl', 86_400.5, '"offline.maxFileTtl"'],
    ['maxFileTtl', '86400', '"offline.maxFileTtl"'],
    ['maxFileTtl', 1_001 * KEYGEN_MAX_FILE_TTL, '"offline.maxFileTtl"'],
    ['clockToleranceMinutes', 0, '"offline.clockToleranceMinutes" must be a whole number of minutes from 1 to 1440'],
    ['clockToleranceMinutes', 1_441, '"offline.clockToleranceMinutes"'],
    ['clockToleranceMinutes', 2.5, '"offline.clockToleranceMinutes"'],
  ])('refuses %s %j with CONFIG_INVALID, naming the field', (field, value, detail) => {
    const offline = field === 'offline' ? value : { [field]: value };
    const parsed = parse({ offline });
    expect(parsed).toMatchObject({ ok: false, code: 'CONFIG_INVALID' });
    if (!parsed.ok) expect(parsed.detail).toContain(detail);
  });
});

describe('offline terms: combinations', () => {
  it('checkoutTtl null (files that never expire) needs allowPerpetual', () => {
    for (const offline of [undefined, {}, { allowPerpetual: false }]) {
      const parsed = parse({ checkoutTtl: null, ...(offline === undefined ? {} : { offline }) });
      expect(parsed).toMatchObject({ ok: false, code: 'CONFIG_INVALID' });
      if (!parsed.ok) expect(parsed.detail).toMatch(/^"checkoutTtl" is null, which asks for files that never expire: set "offline.allowPerpetual": true/);
    }
    expect(parse({ checkoutTtl: null, offline: { allowPerpetual: true } })).toMatchObject({ ok: true });
  });

  it('checkoutTtl longer than maxFileTtl is refused: Tessera would refuse the files it asks for', () => {
    const parsed = parse({ checkoutTtl: 86_401, offline: { maxFileTtl: 86_400 } });
    expect(parsed).toMatchObject({ ok: false, code: 'CONFIG_INVALID', detail: expect.stringContaining('"checkoutTtl" (86401 s) is longer than "offline.maxFileTtl" (86400 s)') as unknown });
    expect(parse({ checkoutTtl: 86_400, offline: { maxFileTtl: 86_400 } })).toMatchObject({ ok: true });
  });

  it('without checkoutTtl, maxFileTtl must allow Keygen\'s default check-out of one month', () => {
    const parsed = parse({ offline: { maxFileTtl: 7 * 86_400 } });
    expect(parsed).toMatchObject({ ok: false, code: 'CONFIG_INVALID', detail: expect.stringContaining('set "checkoutTtl" too') as unknown });
    expect(parse({ offline: { maxFileTtl: 2_629_746 } })).toMatchObject({ ok: true });
  });
});
