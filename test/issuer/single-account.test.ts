/**
 * Both URL shapes keygen-go builds (`client.go`): `/v1/accounts/{account}/…` for api.keygen.sh
 * and `/v1/…` for any other host, which self-hosted Keygen answers for its one account. The
 * client flow runs in each shape with keygen-go's headers, every response verified against the
 * target actually requested; then how the account of `/v1/…` is chosen (the only one, the
 * configured one, or Keygen's 404 "account is required").
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIssuerCli } from '../../issuer/cli.js';
import { startIssuer } from '../../issuer/start.js';
import { createKeygenClient } from '../../src/keygen/client.js';
import { createLicense, firstError, startTestIssuer, type ApiResponse, type TestIssuer } from './support.js';

/** What keygen-go sends with every request (`client.go`): it pins API version 1.7. */
const KEYGEN_GO_HEADERS = { 'Keygen-Version': '1.7', 'User-Agent': 'keygen/1.7 sdk/3.2.0 go/go1.22.0 linux/amd64', 'Content-Type': 'application/vnd.api+json' };

let t: TestIssuer;
let nodeLockedPolicy: string;
const folders: string[] = [];

beforeAll(async () => {
  t = await startTestIssuer({ seed: 'demo' });
  nodeLockedPolicy = (t.issuer.licenses.find((license) => license.policy === 'Node-locked') ?? t.issuer.licenses[0])!.policyId;
});
afterAll(async () => {
  await t.close();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const SHAPES: ReadonlyArray<readonly [string, () => string]> = [
  ['/v1/accounts/{id}/… (api.keygen.sh)', () => `/v1/accounts/${t.issuer.account}`],
  ['/v1/… (custom domain, self-hosted)', () => '/v1'],
];

describe.each(SHAPES)('keygen-go client flow at %s', (_name, prefixOf) => {
  let license: { id: string; key: string };
  const fingerprint = randomBytes(32).toString('hex');
  const asGo = (key: string) => ({ auth: `License ${key}`, headers: KEYGEN_GO_HEADERS });
  const call = (method: string, path: string, body?: unknown): Promise<ApiResponse> => t.request(method, `${prefixOf()}${path}`, { ...asGo(license.key), body });

  beforeAll(async () => {
    const created = await createLicense(t, nodeLockedPolicy);
    license = { id: created.id, key: created.attributes.key };
  });

  it('validate-key → activate → validate → check-out → ping → /me → deactivate, every response signed over the target used', async () => {
    const scope = { fingerprint };
    const before = await call('POST', '/licenses/actions/validate-key', { meta: { key: license.key, scope } });
    expect(before.status).toBe(200);
    expect(before.json.meta).toMatchObject({ valid: false, code: 'NO_MACHINE' });
    expect(before.headers.get('keygen-version')).toBe('1.7');

    const activated = await call('POST', '/machines', {
      data: { type: 'machines', attributes: { fingerprint, platform: 'linux/amd64', hostname: 'go-host', cores: 8 }, relationships: { license: { data: { type: 'licenses', id: license.id } } } },
    });
    expect(activated.status, activated.text).toBe(201);
    const machineId = activated.json.data.id as string;

    const after = await call('POST', `/licenses/${license.id}/actions/validate`, { meta: { scope } });
    expect(after.json.meta).toMatchObject({ valid: true, code: 'VALID' });

    const checkout = await call('POST', `/machines/${machineId}/actions/check-out?encrypt=true&include=license%2Clicense.entitlements&ttl=2592000`);
    expect(checkout.status, checkout.text).toBe(200);
    expect(checkout.json.data.type).toBe('machine-files');
    expect(checkout.json.data.attributes.certificate).toMatch(/^-----BEGIN MACHINE FILE-----\n/);

    const pinged = await call('POST', `/machines/${machineId}/actions/ping`);
    expect(pinged.status).toBe(200);
    expect(pinged.json.data.attributes.heartbeatStatus).toBe('ALIVE');

    const me = await call('GET', '/me');
    expect(me.status).toBe(200);
    expect(me.json.data).toMatchObject({ type: 'licenses', id: license.id });
    expect(me.headers.get('keygen-account')).toBe(t.issuer.account);

    expect((await call('DELETE', `/machines/${fingerprint}`)).status).toBe(204);
    const again = await call('DELETE', `/machines/${machineId}`);
    expect(again.status).toBe(404);
    expect(firstError(again).code).toBe('NOT_FOUND');
  });

  it("emits Keygen's account-scoped links whichever shape was called, and they resolve", async () => {
    const me = await call('GET', '/me');
    const self = me.json.data.links.self as string;
    expect(self).toBe(`/v1/accounts/${t.issuer.account}/licenses/${license.id}`);
    expect((await t.request('GET', self, asGo(license.key))).status).toBe(200);
  });

  it('paginates with links in the shape that was called', async () => {
    const page = await t.admin('GET', `${prefixOf()}/licenses?page[number]=1&page[size]=2`);
    expect(page.json.links.self.startsWith(`${prefixOf()}/licenses?`)).toBe(true);
    expect((await t.admin('GET', page.json.links.next)).status).toBe(200);
  });
});

describe('Tessera’s own client', () => {
  it('works with an apiUrl of the host alone, the account in its own field (id or slug)', async () => {
    const license = t.issuer.licenses.find((candidate) => candidate.policy === 'Floating (3 seats)')!;
    for (const account of [t.issuer.account, 'tessera-dev']) {
      const api = createKeygenClient({ config: { ...t.issuer.config, account }, env: {} });
      const validated = await api.validateKey(license.key, {});
      expect(validated.ok, JSON.stringify(validated)).toBe(true);
    }
  });
});

describe('which account /v1/… answers for', () => {
  it('refuses paths outside /v1 and the account index, unsigned', async () => {
    for (const path of ['/v2/me', '/v1/accounts', '/v1/accounts/', '/v1/accounts/%E0%A4%A/me']) {
      const response = await t.request('GET', path, { token: t.issuer.adminToken, unsigned: true });
      expect(response.status, path).toBe(404);
      expect(firstError(response).code).toBe('NOT_FOUND');
    }
  });

  it('serves the account itself only with its segment', async () => {
    const account = await t.admin('GET', `/v1/accounts/${t.issuer.account}`);
    expect(account.status).toBe(200);
    expect(account.json.data).toMatchObject({ type: 'accounts', id: t.issuer.account });
    expect((await t.admin('GET', '/v1')).status).toBe(404);
  });

  it('with several accounts and no default: 404 "account is required", as Keygen; the account-scoped form still works', async () => {
    const several = await startTestIssuer();
    try {
      several.issuer.store.accounts.create({ slug: 'second', name: 'Second', now: Date.now() });
      const bare = await several.request('GET', '/v1/me', { token: several.issuer.adminToken, unsigned: true });
      expect(bare.status).toBe(404);
      expect(firstError(bare)).toEqual({ title: 'Not found', detail: 'account is required', code: 'NOT_FOUND' });
      expect((await several.admin('GET', '/me')).status).toBe(200);
    } finally {
      await several.close();
    }
  });

  it('with a configured account: /v1/… answers for it among several, and the start prints it', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tessera-issuer-accounts-'));
    folders.push(folder);
    const db = join(folder, 'issuer.db');
    const first = await startIssuer({ db });
    const second = first.store.accounts.create({ slug: 'second', name: 'Second', now: Date.now() });
    await first.close();

    const served = await startTestIssuer({ db, account: 'second' });
    try {
      expect(served.issuer.account).toBe(second.id);
      const me = await served.request('GET', '/v1/me', { token: served.issuer.adminToken });
      expect(me.status).toBe(200);
      expect(me.headers.get('keygen-account')).toBe(second.id);
      // The other account is still addressable by its segment; this admin token is not one of its tokens.
      const other = await fetch(`${served.issuer.url}/v1/accounts/${first.account}/me`, { headers: { Authorization: `Bearer ${served.issuer.adminToken}` } });
      expect(other.status).toBe(401);
      expect(other.headers.get('keygen-account')).toBe(first.account);
    } finally {
      await served.close();
    }
  });

  it('refuses to start for an account the database does not hold', async () => {
    await expect(startIssuer({ account: 'nobody' })).rejects.toThrow('account "nobody" does not exist in this database');
  });

  it('serve --account ID|SLUG serves and prints that account', async () => {
    let line = '';
    let stop: (signal: string) => void = () => undefined;
    const io = {
      stdout: (text: string) => void (line += text),
      stderr: () => undefined,
      untilSignal: () => new Promise<string>((resolve) => (stop = resolve)),
      untilInputEnds: () => new Promise<string>(() => undefined),
    };
    const running = runIssuerCli(['serve', '--account', 'tessera-dev'], io);
    await expect.poll(() => line.endsWith('\n')).toBe(true);
    const started = JSON.parse(line) as { url: string; account: string; adminToken: string };
    const response = await fetch(`${started.url}/v1/me`, { headers: { Authorization: `Bearer ${started.adminToken}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('keygen-account')).toBe(started.account);
    stop('SIGTERM');
    expect(await running).toBe(0);
    expect(await runIssuerCli(['serve', '--account', 'nobody'], { ...io, stderr: () => undefined })).toBe(1);
  });
});
