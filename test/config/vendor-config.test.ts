/**
 * The vendor configuration: strict parsing, and where a development build (one that ships no
 * configuration) looks for it, in which order. The shipped configuration's rules are in
 * shipped-config.test.ts, the offline terms' in offline-policy.test.ts.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative as relativePath } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messageFor } from '../../src/contract/messages.js';
import { parseVendorConfig } from '../../src/config/parse-vendor-config.js';
import { CONFIG_FILE, resolveVendorConfig } from '../../src/config/vendor-config.js';

const ED25519_HEX = (() => {
  const der = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32).toString('hex');
})();
const P256_PEM = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
const P384_PEM = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'pem', type: 'spki' }).toString();

const ACCOUNT = '1fddcec8-8dd3-4d8d-9b16-215cac0f9b52';
const PRODUCT = '4b7ea3c8-5e8c-4a07-9e4e-7a9f6b1c2d3e';

const VALID = { apiUrl: 'https://api.keygen.sh', account: ACCOUNT, product: PRODUCT, publicKey: ED25519_HEX } as const;

/** Parses `VALID` with `change` applied (an undefined value removes the key). */
function parseWith(change: Record<string, unknown>) {
  const json: Record<string, unknown> = { ...VALID, ...change };
  for (const [key, value] of Object.entries(change)) if (value === undefined) delete json[key];
  return parseVendorConfig(json);
}

describe('parseVendorConfig', () => {
  it('accepts a complete configuration', () => {
    const parsed = parseVendorConfig({ ...VALID, checkoutTtl: 86_400, requiredEntitlements: ['FEATURE_A', 'FEATURE_B'] });
    expect(parsed).toEqual({ ok: true, value: { ...VALID, checkoutTtl: 86_400, requiredEntitlements: ['FEATURE_A', 'FEATURE_B'] } });
  });

  it('leaves optional fields absent, and reads an absent product as unscoped', () => {
    const parsed = parseWith({ product: undefined });
    expect(parsed).toEqual({ ok: true, value: { ...VALID, product: null } });
    if (parsed.ok) {
      expect('checkoutTtl' in parsed.value).toBe(false);
      expect('requiredEntitlements' in parsed.value).toBe(false);
    }
  });

  it('keeps checkoutTtl null (files that never expire, when the offline terms accept them) and an empty entitlement list', () => {
    expect(parseWith({ checkoutTtl: null, product: null, requiredEntitlements: [], offline: { allowPerpetual: true } })).toEqual({
      ok: true,
      value: { ...VALID, product: null, checkoutTtl: null, requiredEntitlements: [], offline: { allowPerpetual: true } },
    });
  });

  describe('apiUrl', () => {
    it.each([
      ['https://api.keygen.sh/', 'https://api.keygen.sh'],
      ['https://licensing.example.com/keygen//', 'https://licensing.example.com/keygen'],
      ['HTTPS://API.Example.COM:8443/', 'https://api.example.com:8443'],
      ['http://127.0.0.1:3000', 'http://127.0.0.1:3000'],
      ['http://127.45.6.7/', 'http://127.45.6.7'],
      ['http://localhost:8080/', 'http://localhost:8080'],
      ['http://[::1]:4000/', 'http://[::1]:4000'],
    ])('accepts %s as %s', (apiUrl, expected) => {
      expect(parseWith({ apiUrl })).toMatchObject({ ok: true, value: { apiUrl: expected } });
    });

    it.each([
      ['plain http to another host', 'http://api.keygen.sh'],
      ['plain http to a private address', 'http://192.168.1.10:3000'],
      ['plain http to a host named like loopback', 'http://127.0.0.1.example.com'],
      ['another scheme', 'ftp://api.keygen.sh'],
      ['a file URL', 'file:///etc/passwd'],
      ['not a URL', 'api.keygen.sh'],
      ['empty', ''],
      ['not text', 42],
      ['missing', undefined],
      ['credentials', 'https://user:pass@api.keygen.sh'],
      ['a query', 'https://api.keygen.sh/?account=x'],
      ['a fragment', 'https://api.keygen.sh/#x'],
      ['the /v1 suffix', 'https://api.keygen.sh/v1/'],
      ['surrounding spaces', ' https://api.keygen.sh'],
    ])('refuses %s', (_name, apiUrl) => {
      const parsed = parseWith({ apiUrl });
      expect(parsed).toMatchObject({ ok: false, code: 'CONFIG_INVALID', message: messageFor('CONFIG_INVALID').message });
      if (!parsed.ok) expect(parsed.detail).toMatch(/^"apiUrl" /);
    });
  });

  describe('account and product', () => {
    it('accepts a slug, and lowercases UUIDs', () => {
      expect(parseWith({ account: 'demo-vendor-2' })).toMatchObject({ ok: true, value: { account: 'demo-vendor-2' } });
      expect(parseWith({ account: ACCOUNT.toUpperCase(), product: PRODUCT.toUpperCase() })).toMatchObject({ ok: true, value: { account: ACCOUNT, product: PRODUCT } });
    });

    it.each([
      ['account', ''],
      ['account', 'Demo Vendor'],
      ['account', 'demo_vendor'],
      ['account', 7],
      ['account', undefined],
      ['product', 'demo-product'],
      ['product', ''],
      ['product', 12],
    ])('refuses %s %j', (field, value) => {
      const parsed = parseWith({ [field]: value });
      expect(parsed).toMatchObject({ ok: false, code: 'CONFIG_INVALID' });
      if (!parsed.ok) expect(parsed.detail).toContain(`"${field}"`);
    });
  });

  describe('publicKey', () => {
    it('accepts an ECDSA P-256 PEM', () => {
      expect(parseWith({ publicKey: P256_PEM })).toMatchObject({ ok: true, value: { publicKey: P256_PEM.trim() } });
    });

    it.each([
      ['63 hex characters', ED25519_HEX.slice(1)],
      ['a P-384 key', P384_PEM],
      ['text', 'not a key'],
    ])('is PUBLIC_KEY_INVALID for %s', (_name, publicKey) => {
      const parsed = parseWith({ publicKey });
      expect(parsed).toMatchObject({ ok: false, code: 'PUBLIC_KEY_INVALID', message: messageFor('PUBLIC_KEY_INVALID').message });
      if (!parsed.ok) expect(parsed.detail).toContain('"publicKey"');
    });

    it.each([
      ['missing', undefined],
      ['not text', 123],
      ['blank', '  '],
    ])('is CONFIG_INVALID when %s', (_name, publicKey) => {
      const parsed = parseWith({ publicKey });
      expect(parsed).toMatchObject({ ok: false, code: 'CONFIG_INVALID' });
      if (!parsed.ok) expect(parsed.detail).toContain('"publicKey"');
    });
  });

  describe('checkoutTtl and requiredEntitlements', () => {
    it('accepts the one-hour minimum', () => {
      expect(parseWith({ checkoutTtl: 3600 })).toMatchObject({ ok: true, value: { checkoutTtl: 3600 } });
    });

    it.each([3599, 0, -3600, 3600.5, '86400', Number.MAX_VALUE])('refuses checkoutTtl %j', (checkoutTtl) => {
      const parsed = parseWith({ checkoutTtl });
      expect(parsed).toMatchObject({ ok: false, code: 'CONFIG_INVALID' });
      if (!parsed.ok) expect(parsed.detail).toContain('"checkoutTtl"');
    });

    it.each([['FEATURE_A', ''], ['  '], [' FEATURE_A'], ['FEATURE_A', 5], 'FEATURE_A', { code: 'FEATURE_A' }, null])(
      'refuses requiredEntitlements %j',
      (requiredEntitlements) => {
        const parsed = parseWith({ requiredEntitlements });
        expect(parsed).toMatchObject({ ok: false, code: 'CONFIG_INVALID' });
        if (!parsed.ok) expect(parsed.detail).toContain('"requiredEntitlements');
      },
    );
  });

  it('refuses unknown keys, naming them', () => {
    const parsed = parseWith({ licenseKey: 'x', api_url: 'https://api.keygen.sh' });
    expect(parsed).toMatchObject({ ok: false, code: 'CONFIG_INVALID' });
    if (!parsed.ok) expect(parsed.detail).toMatch(/unknown keys "licenseKey", "api_url"/);
    expect(parseVendorConfig(JSON.parse(`{"__proto__": {"apiUrl": "x"}, "apiUrl": "https://api.keygen.sh", "account": "a", "publicKey": "${ED25519_HEX}"}`))).toMatchObject({
      ok: false,
      code: 'CONFIG_INVALID',
      detail: expect.stringContaining('"__proto__"') as unknown,
    });
  });

  it.each([null, [], 'https://api.keygen.sh', 42, new Map()])('refuses %j as a whole', (json) => {
    expect(parseVendorConfig(json)).toMatchObject({ ok: false, code: 'CONFIG_INVALID', detail: 'the configuration must be a JSON object' });
  });
});

describe('resolveVendorConfig in a development build (nothing shipped)', () => {
  let root: string;
  let dataFolder: string;
  let appFolder: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'tessera-config-'));
    dataFolder = join(root, 'data');
    // An app folder without tessera.config.json, as in a development checkout.
    appFolder = join(root, 'app');
    await mkdir(appFolder, { recursive: true });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Writes a configuration file whose account names where it came from. */
  async function configFile(path: string, account: string, extra: Record<string, unknown> = {}): Promise<string> {
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, JSON.stringify({ ...VALID, account, ...extra }));
    return path;
  }
  const embedded = () => join(dataFolder, 'issuer', CONFIG_FILE);

  it('takes --config first', async () => {
    const explicit = await configFile(join(root, 'explicit.json'), 'from-flag');
    await configFile(join(root, 'env.json'), 'from-env');
    await configFile(embedded(), 'from-issuer');
    const resolved = await resolveVendorConfig({ configPath: explicit, env: { TESSERA_CONFIG: join(root, 'env.json') }, appFolder, dataFolder });
    expect(resolved).toEqual({ ok: true, value: { config: { ...VALID, account: 'from-flag' }, source: { kind: 'file', path: explicit } } });
  });

  it('then TESSERA_CONFIG, then the embedded issuer', async () => {
    await configFile(join(root, 'env.json'), 'from-env');
    await configFile(embedded(), 'from-issuer', { apiUrl: 'http://127.0.0.1:41234' });

    const fromEnv = await resolveVendorConfig({ configPath: '', env: { TESSERA_CONFIG: join(root, 'env.json') }, appFolder, dataFolder });
    expect(fromEnv).toMatchObject({ ok: true, value: { config: { account: 'from-env' }, source: { kind: 'file', path: join(root, 'env.json') } } });

    const fromIssuer = await resolveVendorConfig({ configPath: '', env: { TESSERA_CONFIG: ' ' }, appFolder, dataFolder });
    expect(fromIssuer).toEqual({
      ok: true,
      value: {
        config: { ...VALID, account: 'from-issuer', apiUrl: 'http://127.0.0.1:41234' },
        source: { kind: 'embedded-issuer', database: join(dataFolder, 'issuer', 'issuer.db') },
      },
    });
    expect(await resolveVendorConfig({ env: {}, dataFolder })).toMatchObject({ ok: true, value: { source: { kind: 'embedded-issuer' } } });
  });

  it('leaves the embedded issuer out when asked to (tessera start starts it instead)', async () => {
    await configFile(embedded(), 'from-issuer');
    expect(await resolveVendorConfig({ env: {}, appFolder, dataFolder, embeddedIssuer: false })).toMatchObject({ ok: false, code: 'CONFIG_NOT_FOUND' });
  });

  it('resolves a relative --config against the working directory', async () => {
    const path = await configFile(join(root, 'relative.json'), 'relative');
    const relative = relativePath(process.cwd(), path);
    expect(isAbsolute(relative)).toBe(false);
    const resolved = await resolveVendorConfig({ configPath: relative, env: {}, dataFolder });
    expect(resolved).toMatchObject({ ok: true, value: { source: { kind: 'file', path } } });
  });

  it.each(['--config', 'TESSERA_CONFIG'])('is CONFIG_NOT_FOUND when %s names a missing file, even with other sources present', async (how) => {
    await configFile(embedded(), 'from-issuer');
    const missing = join(root, 'missing.json');
    const resolved = await resolveVendorConfig(how === '--config' ? { configPath: missing, env: {}, dataFolder } : { env: { TESSERA_CONFIG: missing }, dataFolder });
    expect(resolved).toMatchObject({ ok: false, code: 'CONFIG_NOT_FOUND', message: messageFor('CONFIG_NOT_FOUND').message });
    if (!resolved.ok) expect(resolved.detail).toBe(`${how} names ${missing}, which does not exist`);
  });

  it('is CONFIG_NOT_FOUND, pointing at npm start and --config, when nothing is configured anywhere', async () => {
    const resolved = await resolveVendorConfig({ env: {}, appFolder, dataFolder });
    expect(resolved).toMatchObject({ ok: false, code: 'CONFIG_NOT_FOUND' });
    if (!resolved.ok) {
      expect(resolved.detail).toContain('npm start');
      expect(resolved.detail).toContain('--config');
    }
  });

  it('refuses an empty {} where a whole configuration is needed, instead of looking further', async () => {
    const placeholder = join(root, 'placeholder.json');
    await writeFile(placeholder, '{}\n');
    await configFile(embedded(), 'from-issuer');
    const resolved = await resolveVendorConfig({ env: { TESSERA_CONFIG: placeholder }, appFolder, dataFolder });
    expect(resolved).toMatchObject({ ok: false, code: 'CONFIG_INVALID', detail: `${placeholder} is empty ({}): it needs apiUrl, account, product and publicKey` });

    await writeFile(embedded(), '{}');
    expect(await resolveVendorConfig({ env: {}, appFolder, dataFolder })).toMatchObject({ ok: false, code: 'CONFIG_INVALID', detail: expect.stringContaining(embedded()) as unknown });
  });

  it('stops at the first invalid file instead of falling through', async () => {
    const invalid = await configFile(join(root, 'env.json'), 'from-env', { apiUrl: 'http://licensing.example.com' });
    await configFile(embedded(), 'from-issuer');
    const resolved = await resolveVendorConfig({ env: { TESSERA_CONFIG: invalid }, appFolder, dataFolder });
    expect(resolved).toMatchObject({ ok: false, code: 'CONFIG_INVALID' });
    if (!resolved.ok) expect(resolved.detail).toBe(`${invalid}: "apiUrl" must use https (plain http is allowed only for 127.0.0.1, ::1 or localhost)`);
  });

  it('reports a bad key in a file as PUBLIC_KEY_INVALID, naming the file', async () => {
    const path = await configFile(join(root, 'bad-key.json'), 'vendor', { publicKey: 'abc' });
    const resolved = await resolveVendorConfig({ configPath: path, env: {}, dataFolder });
    expect(resolved).toMatchObject({ ok: false, code: 'PUBLIC_KEY_INVALID' });
    if (!resolved.ok) expect(resolved.detail.startsWith(`${path}: "publicKey"`)).toBe(true);
  });

  it.each([
    ['not JSON', '{"apiUrl": ', 'is not valid JSON'],
    ['JSON but not an object', '"https://api.keygen.sh"', 'the configuration must be a JSON object'],
  ])('is CONFIG_INVALID for a file that is %s', async (_name, content, problem) => {
    const path = join(root, 'broken.json');
    await writeFile(path, content);
    const resolved = await resolveVendorConfig({ configPath: path, env: {}, dataFolder });
    expect(resolved).toMatchObject({ ok: false, code: 'CONFIG_INVALID' });
    if (!resolved.ok) expect(resolved.detail).toContain(problem);
  });

  it('is CONFIG_INVALID for a folder given as the configuration', async () => {
    const resolved = await resolveVendorConfig({ configPath: appFolder, env: {}, dataFolder });
    expect(resolved).toMatchObject({ ok: false, code: 'CONFIG_INVALID', detail: `${appFolder} is not a file` });
  });

  it('reads a file that starts with a byte-order mark', async () => {
    const path = join(root, 'bom.json');
    await writeFile(path, `\uFEFF${JSON.stringify(VALID)}`);
    expect(await resolveVendorConfig({ configPath: path, env: {}, dataFolder })).toMatchObject({ ok: true, value: { config: VALID } });
  });
});
