/**
 * The shipped vendor configuration is the trust anchor: `<appFolder>/tessera.config.json` wins
 * over every override, an override may change its `apiUrl` only, and an empty or invalid shipped
 * file stops Tessera rather than letting anything else in.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messageFor } from '../../src/contract/messages.js';
import { CONFIG_FILE, resolveVendorConfig, type ResolveOptions } from '../../src/config/vendor-config.js';

const ROOT = join(import.meta.dirname, '..', '..');

function ed25519Hex(): string {
  const der = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32).toString('hex');
}

const VENDOR = {
  apiUrl: 'https://licensing.vendor.example',
  account: '1fddcec8-8dd3-4d8d-9b16-215cac0f9b52',
  product: '4b7ea3c8-5e8c-4a07-9e4e-7a9f6b1c2d3e',
  publicKey: ed25519Hex(),
} as const;
const ATTACKER = { apiUrl: 'http://127.0.0.1:4000', account: 'attacker', product: null, publicKey: ed25519Hex() } as const;

let root: string;
let appFolder: string;
let dataFolder: string;
let shipped: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tessera-shipped-'));
  appFolder = join(root, 'app');
  dataFolder = join(root, 'data');
  await mkdir(appFolder, { recursive: true });
  await mkdir(join(dataFolder, 'issuer'), { recursive: true });
  shipped = join(appFolder, CONFIG_FILE);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function write(path: string, content: unknown): Promise<string> {
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}
const embedded = () => join(dataFolder, 'issuer', CONFIG_FILE);
const resolveWith = (options: Partial<ResolveOptions> = {}) => resolveVendorConfig({ env: {}, appFolder, dataFolder, ...options });

describe('a shipped configuration wins', () => {
  it('over the embedded issuer\'s file, which is never read', async () => {
    await write(shipped, VENDOR);
    await write(embedded(), 'not even JSON');
    expect(await resolveWith()).toEqual({ ok: true, value: { config: VENDOR, source: { kind: 'shipped', path: shipped, apiUrlFrom: null } } });
  });

  it('as its own file: TESSERA_CONFIG naming the shipped file itself is no override', async () => {
    await write(shipped, VENDOR);
    expect(await resolveWith({ env: { TESSERA_CONFIG: shipped } })).toMatchObject({ ok: true, value: { source: { kind: 'shipped', apiUrlFrom: null } } });
  });
});

describe('an empty or invalid shipped configuration stops Tessera', () => {
  it('{} is CONFIG_INVALID naming the file, never the embedded issuer\'s configuration', async () => {
    await write(shipped, '{}\n');
    await write(embedded(), ATTACKER);
    const resolved = await resolveWith();
    expect(resolved).toMatchObject({ ok: false, code: 'CONFIG_INVALID', message: messageFor('CONFIG_INVALID').message });
    if (!resolved.ok) {
      expect(resolved.detail).toContain(shipped);
      expect(resolved.detail).toMatch(/is empty \(\{\}\).*cannot run until its vendor ships a valid one/);
    }
  });

  it.each([
    ['not JSON', '{"apiUrl": ', 'is not valid JSON'],
    ['an invalid field', JSON.stringify({ ...VENDOR, apiUrl: 'http://licensing.vendor.example' }), '"apiUrl" must use https'],
    ['an unknown key', JSON.stringify({ ...VENDOR, licenseKey: 'x' }), 'unknown key "licenseKey"'],
    ['offline terms at odds', JSON.stringify({ ...VENDOR, checkoutTtl: null }), '"offline.allowPerpetual"'],
  ])('%s is CONFIG_INVALID, naming the file and the problem, even with an override', async (_name, content, problem) => {
    await write(shipped, content);
    const override = await write(join(root, 'override.json'), { apiUrl: 'https://relay.corp.example' });
    const resolved = await resolveWith({ env: { TESSERA_CONFIG: override } });
    expect(resolved).toMatchObject({ ok: false, code: 'CONFIG_INVALID' });
    if (!resolved.ok) {
      expect(resolved.detail).toContain(shipped);
      expect(resolved.detail).toContain(problem);
      expect(resolved.detail).toContain('shipped with this app');
    }
  });

  it('a bad key is PUBLIC_KEY_INVALID', async () => {
    await write(shipped, { ...VENDOR, publicKey: 'abc' });
    expect(await resolveWith()).toMatchObject({ ok: false, code: 'PUBLIC_KEY_INVALID', detail: expect.stringContaining(shipped) as unknown });
  });

  it('a packaged app without its file is CONFIG_NOT_FOUND, never a development build open to overrides', async () => {
    const override = await write(join(root, 'attacker.json'), ATTACKER);
    await write(embedded(), ATTACKER);
    const resolved = await resolveWith({ packaged: true, env: { TESSERA_CONFIG: override } });
    expect(resolved).toMatchObject({ ok: false, code: 'CONFIG_NOT_FOUND' });
    if (!resolved.ok) expect(resolved.detail).toContain(shipped);
    // Unpackaged (a development checkout), the same folder ships nothing and the override counts.
    expect(await resolveWith({ env: { TESSERA_CONFIG: override } })).toMatchObject({ ok: true, value: { config: { account: 'attacker' }, source: { kind: 'file', path: override } } });
  });
});

describe('an override of a shipped configuration', () => {
  it.each(['--config', 'TESSERA_CONFIG'] as const)('with another public key (%s) is CONFIG_OVERRIDE_REFUSED, naming the field and both files', async (how) => {
    await write(shipped, VENDOR);
    const override = await write(join(root, 'attacker.json'), ATTACKER);
    const resolved = await resolveWith(how === '--config' ? { configPath: override } : { env: { TESSERA_CONFIG: override } });
    expect(resolved).toMatchObject({ ok: false, code: 'CONFIG_OVERRIDE_REFUSED', message: messageFor('CONFIG_OVERRIDE_REFUSED').message });
    if (!resolved.ok) {
      expect(resolved.detail).toBe(
        `${override} (${how}) sets "publicKey", which an override may not set (the shipped public key is the one every license file and server answer must be signed with); it may set "apiUrl" only: this app ships its vendor configuration, ${shipped}`,
      );
    }
  });

  it.each([
    ['publicKey', VENDOR.publicKey],
    ['account', VENDOR.account],
    ['product', VENDOR.product],
    ['checkoutTtl', 3600],
    ['requiredEntitlements', []],
    ['offline', { allowPerpetual: true }],
    ['secretStore', 'file'],
  ])('setting %s is refused, even to the shipped value (an override never restates the anchor)', async (field, value) => {
    await write(shipped, VENDOR);
    const override = await write(join(root, 'override.json'), { apiUrl: 'https://relay.corp.example', [field]: value });
    const resolved = await resolveWith({ env: { TESSERA_CONFIG: override } });
    expect(resolved).toMatchObject({ ok: false, code: 'CONFIG_OVERRIDE_REFUSED' });
    if (!resolved.ok) expect(resolved.detail).toContain(`sets "${field}"`);
  });

  it('holding apiUrl only is used: the shipped key, account and product stay, and the source says where apiUrl came from', async () => {
    await write(shipped, VENDOR);
    const relay = await write(join(root, 'relay.json'), { apiUrl: 'https://relay.corp.example/keygen/' });
    const other = await write(join(root, 'other.json'), { apiUrl: 'https://other.corp.example' });
    const resolved = await resolveWith({ configPath: relay, env: { TESSERA_CONFIG: other } });
    expect(resolved).toEqual({
      ok: true,
      value: { config: { ...VENDOR, apiUrl: 'https://relay.corp.example/keygen' }, source: { kind: 'shipped', path: shipped, apiUrlFrom: { path: relay, namedBy: '--config' } } },
    });
  });

  it.each([
    ['{}', {}, '"apiUrl" is missing'],
    ['an unknown key', { apiUrl: 'https://relay.corp.example', proxy: 'x' }, 'unknown key "proxy"'],
    ['plain http to another host', { apiUrl: 'http://relay.corp.example' }, '"apiUrl" must use https'],
    ['not an object', ['https://relay.corp.example'], 'must be a JSON object'],
  ])('that is %s is CONFIG_INVALID, naming the override', async (_name, content, problem) => {
    await write(shipped, VENDOR);
    const override = await write(join(root, 'override.json'), content);
    const resolved = await resolveWith({ env: { TESSERA_CONFIG: override } });
    expect(resolved).toMatchObject({ ok: false, code: 'CONFIG_INVALID' });
    if (!resolved.ok) {
      expect(resolved.detail.startsWith(`${override} (TESSERA_CONFIG): `)).toBe(true);
      expect(resolved.detail).toContain(problem);
    }
  });

  it('that names a missing file is CONFIG_NOT_FOUND', async () => {
    await write(shipped, VENDOR);
    const missing = join(root, 'missing.json');
    expect(await resolveWith({ configPath: missing })).toMatchObject({ ok: false, code: 'CONFIG_NOT_FOUND', detail: `--config names ${missing}, which does not exist` });
  });
});

describe('this repository', () => {
  it('ships no configuration in a development checkout: its root holds no tessera.config.json', () => {
    expect(existsSync(join(ROOT, CONFIG_FILE))).toBe(false);
  });

  it('packages the placeholder {}: an app built without the vendor\'s configuration refuses to start, naming the file', async () => {
    const placeholder = join(ROOT, 'vendor', CONFIG_FILE);
    expect(JSON.parse(await readFile(placeholder, 'utf8'))).toEqual({});
    const resolved = await resolveVendorConfig({ env: {}, appFolder: join(ROOT, 'vendor'), packaged: true, dataFolder });
    expect(resolved).toMatchObject({ ok: false, code: 'CONFIG_INVALID', detail: expect.stringContaining(placeholder) as unknown });
  });
});
