/**
 * Attacks on the offline verdict, through the command line as a user would run them, against
 * the local issuer: a license file of a license with a machine limit, a machine file that never
 * expires, a check-out whose lifetime a proxy stretched, a file of another product, a license
 * suspended after install, an older file imported over a newer one, and a license key left in
 * plain text by an import. Each `describe` is one attack; each asserts the exact code.
 *
 * `TESSERA_CLI_UNDER_TEST` may name another build's `bin/tessera.js`, to run the same attacks
 * against it (how these were shown to succeed against the verdict before signed evidence).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer, type TestIssuer } from '../issuer/support.js';
import { runCli, type CliRun } from '../support/cli-run.js';

const BIN = process.env.TESSERA_CLI_UNDER_TEST ?? join(import.meta.dirname, '..', '..', 'bin', 'tessera.js');
const root = mkdtempSync(join(tmpdir(), 'tessera-offline-attacks-'));
let t: TestIssuer;
let fingerprint: string;
let homes = 0;

function tessera(home: string, args: readonly string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  // Secrets in the owner-only file of this data folder: every attack runs with a fresh one.
  return runCli(BIN, args, { env: { TESSERA_HOME: home, TESSERA_SECRET_STORE: 'file', ...options.env }, ...(options.stdin === undefined ? {} : { stdin: options.stdin }) });
}

/** A fresh data folder with a vendor configuration (`changes` on top of the issuer's). */
function newHome(changes: Record<string, unknown> = {}): { home: string; config: string } {
  const home = join(root, `home-${(homes += 1)}`);
  const config = join(root, `vendor-${homes}.json`);
  writeFileSync(config, JSON.stringify({ ...t.issuer.config, ...changes }));
  return { home, config };
}

function demo(policy: string): { id: string; key: string; policyId: string } {
  const found = t.issuer.licenses.find((license) => license.policy === policy);
  if (found === undefined) throw new Error(`no demo license for ${policy}`);
  return found;
}

/** Checks out a file with the admin token: a license file, or a machine file for `machineFingerprint`. */
async function certificate(licenseId: string, options: { machine?: string; query?: string; body?: unknown } = {}): Promise<string> {
  let path = `/licenses/${licenseId}/actions/check-out`;
  if (options.machine !== undefined) {
    const existing = await t.admin('GET', `/machines?license=${licenseId}`);
    let machine = (existing.json.data as { id: string; attributes: { fingerprint: string } }[]).find((entry) => entry.attributes.fingerprint === options.machine)?.id;
    if (machine === undefined) {
      const created = await t.admin('POST', '/machines', { data: { type: 'machines', attributes: { fingerprint: options.machine }, relationships: { license: { data: { type: 'licenses', id: licenseId } } } } });
      expect(created.status, created.text).toBe(201);
      machine = created.json.data.id as string;
    }
    path = `/machines/${machine}/actions/check-out`;
  }
  // A license file carries the license itself; a machine file includes it (and its entitlements) on request.
  const include = options.machine === undefined ? 'include=entitlements' : 'include=license,license.entitlements';
  const checkout = await t.admin('POST', `${path}?${options.query ?? `encrypt=true&${include}`}`, options.body);
  expect(checkout.status, checkout.text).toBe(200);
  return checkout.json.data.attributes.certificate as string;
}

function write(name: string, text: string): string {
  const file = join(root, name);
  writeFileSync(file, text);
  return file;
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(folder, entry.name)) : [join(folder, entry.name)]));
}

beforeAll(async () => {
  t = await startTestIssuer({ seed: 'demo' });
  const home = newHome().home;
  fingerprint = (await tessera(home, ['fingerprint', '--json'])).json.fingerprint as string;
  expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
});
afterAll(async () => {
  await t.close();
  rmSync(root, { recursive: true, force: true });
});

describe('a license file of a node-locked license, imported on a machine that holds no seat', () => {
  it('licenses nothing offline (MACHINE_FILE_REQUIRED) and is refused at import, so it licenses nothing online either', async () => {
    const license = demo('Node-locked');
    const file = write('node-locked.lic', await certificate(license.id));
    const { home, config } = newHome();
    const imported = await tessera(home, ['import', file, '--license-key', '-', '--config', config, '--json'], { stdin: license.key });
    expect(imported.json).toMatchObject({ ok: false, code: 'MACHINE_FILE_REQUIRED' });
    const status = await tessera(home, ['status', '--config', config, '--json']);
    expect(status.json).toMatchObject({ licensed: false });
  });
});

describe('a machine file that never expires', () => {
  it('is refused (LICENSE_FILE_NEVER_EXPIRES): a key holder could check one out, free the seat, and keep it', async () => {
    const license = demo('Floating (3 seats)');
    const file = write('perpetual.lic', await certificate(license.id, { machine: fingerprint, query: 'encrypt=true&ttl=&include=license,license.entitlements' }));
    const { home, config } = newHome();
    const imported = await tessera(home, ['import', file, '--license-key', '-', '--config', config, '--json'], { stdin: license.key });
    expect(imported.json).toMatchObject({ ok: false, code: 'LICENSE_FILE_NEVER_EXPIRES' });
  });

  it('a file living longer than the vendor allows is refused (LICENSE_FILE_LIFETIME_TOO_LONG)', async () => {
    const license = demo('Floating (3 seats)');
    const file = write('ten-years.lic', await certificate(license.id, { machine: fingerprint, query: `encrypt=true&ttl=${10 * 31_556_952}&include=license,license.entitlements` }));
    const { home, config } = newHome({ checkoutTtl: 2_629_746 });
    const imported = await tessera(home, ['import', file, '--license-key', '-', '--config', config, '--json'], { stdin: license.key });
    expect(imported.json).toMatchObject({ ok: false, code: 'LICENSE_FILE_LIFETIME_TOO_LONG' });
  });
});

describe('a proxy that stretches the check-out (it adds {"meta":{"ttl":null}} to the request body, which no signature covers)', () => {
  let proxy: Server;
  let proxyUrl: string;
  beforeAll(async () => {
    const upstream = new URL(t.issuer.url);
    proxy = createServer((incoming, outgoing) => {
      const isCheckout = (incoming.url ?? '').includes('/actions/check-out');
      const injected = isCheckout ? Buffer.from(JSON.stringify({ meta: { ttl: null } })) : null;
      const headers = { ...incoming.headers, host: upstream.host, ...(injected === null ? {} : { 'content-type': 'application/vnd.api+json', 'content-length': String(injected.length) }) };
      const forwarded = request({ host: upstream.hostname, port: upstream.port, method: incoming.method, path: new URL(incoming.url ?? '/', upstream).pathname + new URL(incoming.url ?? '/', upstream).search, headers }, (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      });
      if (injected === null) incoming.pipe(forwarded);
      else {
        incoming.resume();
        forwarded.end(injected);
      }
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

  it('is caught: the file is not the one asked for (CHECKOUT_TTL_MISMATCH), and nothing is installed', async () => {
    const license = demo('Floating (3 seats)');
    const { home, config } = newHome({ apiUrl: proxyUrl });
    const activated = await tessera(home, ['activate', '-', '--config', config, '--json'], { stdin: license.key });
    expect(activated.json).toMatchObject({ ok: false });
    expect(['CHECKOUT_TTL_MISMATCH', 'ACTIVATION_INCOMPLETE']).toContain(activated.json.code);
    expect((await tessera(home, ['status', '--offline', '--config', config, '--json'])).json).toMatchObject({ licensed: false, code: 'NOT_ACTIVATED' });
  });
});

describe('a machine file of another product', () => {
  it('does not license this product offline (PRODUCT_MISMATCH)', async () => {
    const product = await t.admin('POST', '/products', { data: { type: 'products', attributes: { name: 'Another product' } } });
    expect(product.status, product.text).toBe(201);
    const policy = await t.admin('POST', '/policies', {
      data: { type: 'policies', attributes: { name: 'Other', floating: true, maxMachines: 5, authenticationStrategy: 'MIXED' }, relationships: { product: { data: { type: 'products', id: product.json.data.id } } } },
    });
    expect(policy.status, policy.text).toBe(201);
    const license = await t.admin('POST', '/licenses', { data: { type: 'licenses', relationships: { policy: { data: { type: 'policies', id: policy.json.data.id } } } } });
    expect(license.status, license.text).toBe(201);
    const key = license.json.data.attributes.key as string;
    const file = write('other-product.lic', await certificate(license.json.data.id as string, { machine: fingerprint }));
    const { home, config } = newHome();
    const imported = await tessera(home, ['import', file, '--license-key', '-', '--config', config, '--json'], { stdin: key });
    expect(imported.json).toMatchObject({ ok: false, code: 'PRODUCT_MISMATCH' });
  });
});

describe('a license suspended after it was installed', () => {
  it('once the server has said so (signed), the offline verdict says so too, until the server says otherwise', async () => {
    const license = demo('Floating (3 seats)');
    const { home, config } = newHome();
    expect((await tessera(home, ['activate', '-', '--config', config, '--json'], { stdin: license.key })).status).toBe(0);
    expect((await t.admin('POST', `/licenses/${license.id}/actions/suspend`)).status).toBe(200);
    try {
      expect((await tessera(home, ['status', '--config', config, '--json'])).json).toMatchObject({ licensed: false, code: 'SUSPENDED', source: 'online' });
      expect((await tessera(home, ['status', '--offline', '--config', config, '--json'])).json).toMatchObject({ licensed: false, code: 'SUSPENDED', source: 'offline' });
    } finally {
      expect((await t.admin('POST', `/licenses/${license.id}/actions/reinstate`)).status).toBe(200);
    }
    // Reinstated: the next signed answer supersedes the refusal.
    expect((await tessera(home, ['status', '--config', config, '--json'])).json).toMatchObject({ licensed: true });
    expect((await tessera(home, ['status', '--offline', '--config', config, '--json'])).json).toMatchObject({ licensed: true });
    expect((await tessera(home, ['deactivate', '--yes', '--config', config, '--json'])).status).toBe(0);
  });
});

describe('an older certificate imported over a newer one', () => {
  it('is refused (CERTIFICATE_OLDER_THAN_INSTALLED), and the newer one stays installed', async () => {
    const license = demo('Floating (3 seats)');
    const older = write('older.lic', await certificate(license.id, { machine: fingerprint }));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const newer = write('newer.lic', await certificate(license.id, { machine: fingerprint }));
    const { home, config } = newHome();
    expect((await tessera(home, ['import', newer, '--license-key', '-', '--config', config, '--json'], { stdin: license.key })).status).toBe(0);
    const refused = await tessera(home, ['import', older, '--license-key', '-', '--config', config, '--json'], { stdin: license.key });
    expect(refused.json).toMatchObject({ ok: false, code: 'CERTIFICATE_OLDER_THAN_INSTALLED' });
    const state = readFileSync(join(home, 'licensing', 'state.json'), 'utf8');
    expect(state).toContain(readFileSync(newer, 'utf8').split('\n')[1]);
  });
});

describe('an unencrypted file imported by hand', () => {
  it('leaves no license key in plain text on disk: the key goes to the secret store, the file is kept sealed', async () => {
    const license = demo('Unencrypted check-out');
    const file = write('plain-machine.lic', await certificate(license.id, { machine: fingerprint, query: 'encrypt=false&include=license,license.entitlements' }));
    expect(Buffer.from(readFileSync(file, 'utf8').split('\n').slice(1, -2).join(''), 'base64').toString('utf8')).toContain('enc');
    const { home, config } = newHome();
    const imported = await tessera(home, ['import', file, '--config', config, '--json']);
    expect(imported.status).toBe(0);
    expect((await tessera(home, ['status', '--offline', '--config', config, '--json'])).json).toMatchObject({ licensed: true });
    const onDisk = filesUnder(home).filter((path) => !path.endsWith(join('secrets', 'secrets.json')));
    for (const path of onDisk) expect(readFileSync(path, 'latin1').includes(license.key), `${path} holds the license key`).toBe(false);
    // What is on disk holds no key even once decoded (the certificate's base64 would show it).
    const state = readFileSync(join(home, 'licensing', 'state.json'), 'utf8');
    for (const chunk of state.match(/[A-Za-z0-9+/=]{40,}/g) ?? []) expect(Buffer.from(chunk, 'base64').toString('latin1').includes(license.key)).toBe(false);
  });
});

