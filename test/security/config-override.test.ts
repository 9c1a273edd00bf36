/**
 * Threat: replacing the vendor's trust anchor. A copy of the app that ships its vendor's
 * configuration (`tessera.config.json` beside the installed CLI) must trust that vendor's key
 * only: an override (`TESSERA_CONFIG`, `--config`) may point Tessera at a relay (`apiUrl`), never
 * at another key, account or product; an empty shipped configuration is an error, never "use
 * the embedded issuer's configuration in the data folder".
 *
 * Runs the built CLI as a user does, from a copy of the package folder that carries a shipped
 * configuration (the repository itself ships none), against two local issuers with different keys:
 * the vendor's and an attacker's.
 */
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer, type TestIssuer } from '../issuer/support.js';
import { runCli, type CliRun } from '../support/cli-run.js';
import { installCli, type InstalledCli } from '../support/installed-cli.js';

let vendor: TestIssuer;
let attacker: TestIssuer;
let scratch: string;
/** A copy of the installed command line, beside which the vendor's configuration is shipped. */
let app: InstalledCli;
const servers: Server[] = [];

/** Runs the copied CLI. Asynchronously: the issuers answering it live in this process. */
function tessera(home: string, args: readonly string[], options: { env?: Record<string, string>; stdin?: string } = {}): Promise<CliRun> {
  // TESSERA_CONFIG only when the test sets it: never one inherited from the environment.
  const env = { TESSERA_CONFIG: undefined, TESSERA_HOME: home, TESSERA_SECRET_STORE: 'file', ...options.env };
  return runCli(app.bin, args, { env, cwd: scratch, ...(options.stdin === undefined ? {} : { stdin: options.stdin }) });
}

function file(name: string, content: unknown): string {
  const path = join(scratch, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function freshHome(): string {
  return mkdtempSync(join(scratch, 'home-'));
}

function demoLicense(t: TestIssuer, policy: string): { id: string; key: string } {
  const found = t.issuer.licenses.find((license) => license.policy === policy);
  if (found === undefined) throw new Error(`no demo license ${policy}`);
  return found;
}

/** A license file checked out from `t` (signed with its key), unencrypted: no key needed to import it. */
async function licenseFileFrom(t: TestIssuer): Promise<string> {
  const license = demoLicense(t, 'Floating (3 seats)');
  const checkout = await t.admin('POST', `/licenses/${license.id}/actions/check-out?encrypt=false&include=entitlements`);
  expect(checkout.status, checkout.text).toBe(200);
  return checkout.json.data.attributes.certificate as string;
}

/**
 * A relay on 127.0.0.1 forwarding every request to `target`, with `rewrite` applied to the path;
 * counts what it forwarded. What an IT admin's proxy does, or an attacker's.
 */
async function relay(target: TestIssuer, rewrite: (path: string) => string = (path) => path): Promise<{ url: string; forwarded: () => number }> {
  const upstream = new URL(target.issuer.url);
  let forwarded = 0;
  const server = createServer((incoming, outgoing) => {
    forwarded += 1;
    const proxied = request(
      { host: upstream.hostname, port: upstream.port, method: incoming.method, path: rewrite(incoming.url ?? '/'), headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    proxied.on('error', () => outgoing.destroy());
    incoming.pipe(proxied);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, forwarded: () => forwarded };
}

beforeAll(async () => {
  vendor = await startTestIssuer({ seed: 'demo' });
  attacker = await startTestIssuer({ seed: 'demo' });
  expect(attacker.issuer.publicKey).not.toBe(vendor.issuer.publicKey);
  scratch = mkdtempSync(join(tmpdir(), 'tessera-trust-anchor-'));
  app = installCli(join(scratch, 'app'));
});

afterAll(async () => {
  for (const server of servers) server.close();
  await vendor?.close();
  await attacker?.close();
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

describe('an override with another public key, while the app ships its configuration', () => {
  it('TESSERA_CONFIG naming the attacker\'s configuration is refused with CONFIG_OVERRIDE_REFUSED, and the attacker\'s file is not installed', async () => {
    app.ship(vendor.issuer.config);
    const home = freshHome();
    const forged = file('attacker.lic', await licenseFileFrom(attacker));
    const override = file('attacker-config.json', attacker.issuer.config);

    const imported = await tessera(home, ['import', forged, '--json'], { env: { TESSERA_CONFIG: override } });
    expect(imported.status).toBe(1);
    expect(imported.json).toMatchObject({ ok: false, code: 'CONFIG_OVERRIDE_REFUSED' });
    expect(imported.json.detail).toContain(override);
    expect(imported.json.detail).toContain('"publicKey"');

    const status = await tessera(home, ['status', '--offline', '--json']);
    expect(status.status).toBe(1);
    expect(status.json).toMatchObject({ licensed: false, code: 'NOT_ACTIVATED' });
  });

  it('--config likewise, and an override restating the vendor\'s own key, account or product is refused too', async () => {
    app.ship(vendor.issuer.config);
    const home = freshHome();
    const attackerConfig = file('attacker-config.json', attacker.issuer.config);
    const refused = await tessera(home, ['status', '--offline', '--json', '--config', attackerConfig]);
    expect(refused.status).toBe(1);
    expect(refused.json).toMatchObject({ ok: false, code: 'CONFIG_OVERRIDE_REFUSED' });
    expect(refused.json.detail).toContain(attackerConfig);

    for (const field of ['publicKey', 'account', 'product'] as const) {
      const same = file(`same-${field}.json`, { apiUrl: vendor.issuer.config.apiUrl, [field]: vendor.issuer.config[field] });
      const restated = await tessera(home, ['status', '--offline', '--json', '--config', same]);
      expect(restated.json, field).toMatchObject({ ok: false, code: 'CONFIG_OVERRIDE_REFUSED' });
      expect(restated.json.detail).toContain(`"${field}"`);
    }
  });
});

describe('the packaged placeholder {} shipped as the configuration', () => {
  it('is CONFIG_INVALID naming the file, never the embedded issuer\'s configuration in the data folder', async () => {
    const shipped = app.ship('{}\n');
    const home = freshHome();
    // What `tessera start` would have written: a user-writable file naming the attacker's key.
    mkdirSync(join(home, 'issuer'), { recursive: true });
    writeFileSync(join(home, 'issuer', 'tessera.config.json'), JSON.stringify(attacker.issuer.config));
    writeFileSync(join(scratch, 'attacker.lic'), await licenseFileFrom(attacker));

    const imported = await tessera(home, ['import', join(scratch, 'attacker.lic'), '--json']);
    expect(imported.status).toBe(1);
    expect(imported.json).toMatchObject({ ok: false, code: 'CONFIG_INVALID' });
    expect(imported.json.detail).toContain(shipped);
    expect(imported.json.detail).toMatch(/empty/);
    expect(readdirSync(home)).toEqual(['issuer']);
  });
});

describe('an override that changes only apiUrl (a relay or proxy)', () => {
  it('is used, and the answers still verify with the pinned key: activation through the relay works', async () => {
    app.ship(vendor.issuer.config);
    const home = freshHome();
    const toVendor = await relay(vendor);
    const override = file('relay.json', { apiUrl: toVendor.url });
    const activated = await tessera(home, ['activate', '-', '--json'], { env: { TESSERA_CONFIG: override }, stdin: demoLicense(vendor, 'Floating (3 seats)').key });
    expect(activated.status, activated.stderr).toBe(0);
    expect(activated.json.status).toMatchObject({ licensed: true });
    expect(toVendor.forwarded()).toBeGreaterThan(0);

    // A refused override loses nothing: the activation is still there without it.
    const attackerConfig = file('attacker-config.json', attacker.issuer.config);
    expect((await tessera(home, ['status', '--offline', '--json'], { env: { TESSERA_CONFIG: attackerConfig } })).json).toMatchObject({ code: 'CONFIG_OVERRIDE_REFUSED' });
    expect((await tessera(home, ['status', '--offline', '--json'])).json).toMatchObject({ licensed: true });
  });

  it('a license file signed by another key is still refused: LICENSE_FILE_NOT_GENUINE', async () => {
    app.ship(vendor.issuer.config);
    const home = freshHome();
    const override = file('relay-attacker.json', { apiUrl: attacker.issuer.url });
    const forged = file('attacker.lic', await licenseFileFrom(attacker));
    const imported = await tessera(home, ['import', forged, '--json'], { env: { TESSERA_CONFIG: override } });
    expect(imported.status).toBe(1);
    expect(imported.json).toMatchObject({ ok: false, code: 'LICENSE_FILE_NOT_GENUINE' });
    expect((await tessera(home, ['status', '--offline', '--json'], { env: { TESSERA_CONFIG: override } })).json).toMatchObject({ licensed: false });
  });

  it('a relay answering for the attacker\'s issuer (signed with its key) is refused, and nothing is installed', async () => {
    app.ship(vendor.issuer.config);
    const home = freshHome();
    const toAttacker = await relay(attacker, (path) => path.replace(`/accounts/${vendor.issuer.account}/`, `/accounts/${attacker.issuer.account}/`));
    const override = file('relay-to-attacker.json', { apiUrl: toAttacker.url });
    const activated = await tessera(home, ['activate', '-', '--json'], { env: { TESSERA_CONFIG: override }, stdin: demoLicense(attacker, 'Floating (3 seats)').key });
    expect(activated.status).toBe(1);
    expect(activated.json).toMatchObject({ ok: false, code: expect.stringMatching(/^RESPONSE_SIGNATURE_/) as unknown });
    expect(toAttacker.forwarded()).toBeGreaterThan(0);
    expect((await tessera(home, ['status', '--offline', '--json'], { env: { TESSERA_CONFIG: override } })).json).toMatchObject({ licensed: false });
  });
});
