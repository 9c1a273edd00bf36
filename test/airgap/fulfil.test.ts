/**
 * Fulfilment and import in process, against the local issuer over real sockets: a fleet in one
 * batch (failures per file, never stopping the others), who pays (license key, admin token, the
 * request's own key), rate limits waited out, and the air-gapped side's import.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fulfilBatch } from '../../src/airgap/fulfil-batch.js';
import { importFiles } from '../../src/airgap/import-files.js';
import { createActivationRequest } from '../../src/airgap/request.js';
import { createFilePool, type FilePool } from '../../src/airgap/worker-pool.js';
import { startTestIssuer, type TestIssuer } from '../issuer/support.js';
import { fulfillerFor, simulatedMachine } from './harness.js';
import { otherMachine, requestFrom } from './support.js';
import { value } from '../support/result.js';

let t: TestIssuer;
let pool: FilePool;
const folders: string[] = [];
const scratch = (): string => {
  const folder = mkdtempSync(join(tmpdir(), 'tessera-fulfil-'));
  folders.push(folder);
  return folder;
};
const demo = (policy: string): { id: string; key: string } => t.issuer.licenses.find((license) => license.policy === policy) as { id: string; key: string };
const seats = async (licenseId: string): Promise<string[]> =>
  ((await t.admin('GET', `/licenses/${licenseId}/machines?page[size]=100&page[number]=1`)).json.data as { attributes: { fingerprint: string } }[]).map((machine) => machine.attributes.fingerprint);

beforeAll(async () => {
  t = await startTestIssuer({ seed: 'demo' });
  pool = createFilePool({ threads: 2 });
});
afterAll(async () => {
  await pool.close();
  await t.close();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('a fleet in one folder', () => {
  it('fills the seats there are and reports each request the license has no seat for; the others are not stopped', async () => {
    const stick = scratch();
    const machines = ['n1', 'n2', 'n3', 'n4', 'n5'].map((name) => otherMachine(name));
    for (const machine of machines) {
      const request = await requestFrom(machine, t.issuer.config);
      writeFileSync(join(stick, request.name), request.text);
    }
    const inputs = readdirSync(stick).map((name) => ({ path: join(stick, name), shown: name }));
    const progress: number[] = [];
    const results = await fulfilBatch(inputs, {
      fulfiller: fulfillerFor(t, scratch()),
      pool,
      access: { kind: 'license-key', licenseKey: demo('Floating (3 seats)').key },
      concurrency: 1,
      onResult: (_result, done) => progress.push(done),
    });
    expect(results.map((result) => result.file)).toEqual(inputs.map((input) => input.shown));
    expect(results.filter((result) => result.ok)).toHaveLength(3);
    expect(results.filter((result) => !result.ok).map((result) => result.code)).toEqual(['MACHINE_LIMIT_EXCEEDED', 'MACHINE_LIMIT_EXCEEDED']);
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    expect(readdirSync(stick).filter((name) => name.endsWith('.activation-response.json'))).toHaveLength(3);
    expect(await seats(demo('Floating (3 seats)').id)).toHaveLength(3);
  });

  it('waits out the rate limit instead of failing: every request succeeds', async () => {
    const limited = await startTestIssuer({ seed: 'demo', rateLimit: '3/1s' });
    try {
      const stick = scratch();
      for (const name of ['r1', 'r2', 'r3']) {
        const request = await requestFrom(otherMachine(name), limited.issuer.config);
        writeFileSync(join(stick, request.name), request.text);
      }
      const license = limited.issuer.licenses.find((entry) => entry.policy === 'Floating (3 seats)') as { key: string };
      const results = await fulfilBatch(
        readdirSync(stick).map((name) => ({ path: join(stick, name), shown: name })),
        { fulfiller: fulfillerFor(limited, scratch()), pool, access: { kind: 'license-key', licenseKey: license.key }, concurrency: 3 },
      );
      // 7 requests (a validation, 3 activations, 3 check-outs) at 3 a second: two windows waited out.
      expect(results.map((result) => result.code ?? 'ok')).toEqual(['ok', 'ok', 'ok']);
    } finally {
      await limited.close();
    }
  });
});

describe('who pays', () => {
  it('an administrator token for one license: the response carries no key, and the air-gapped machine imports it with its own', async () => {
    const gap = simulatedMachine(t, 'admin-paid');
    folders.push(gap.folder);
    const made = await createActivationRequest({ config: t.issuer.config, secrets: gap.secrets, machine: gap.service, now: Date.now, version: 'test' });
    if (!made.ok) throw new Error(made.code);
    const license = demo('Check-in required');
    const [result] = await fulfilBatch([{ name: made.value.name, text: made.value.text }], {
      fulfiller: fulfillerFor(t, scratch()),
      pool,
      access: { kind: 'admin', adminToken: t.issuer.adminToken, licenseId: license.id },
    });
    expect(result).toMatchObject({ kind: 'activation', ok: true });
    const response = JSON.parse(result?.document?.text ?? '{}');
    expect(response.licenseKey).toBeUndefined();
    const deps = { manager: gap.manager, secrets: gap.secrets, machine: gap.service, publicKey: t.issuer.config.publicKey, pool };
    const file = { name: result?.document?.name ?? '', text: result?.document?.text ?? '' };
    expect((await importFiles([file], deps))[0]).toMatchObject({ ok: false, code: 'LICENSE_KEY_REQUIRED' });
    expect((await importFiles([file], deps, { licenseKey: license.key }))[0]).toMatchObject({ ok: true, kind: 'response', licenseId: license.id });
    expect((await gap.manager.status({ online: false })).licensed).toBe(true);
  });

  it("the request's own key, when the person put it in: no credentials needed, and the key comes back in the response", async () => {
    const gap = simulatedMachine(t, 'key-carried');
    folders.push(gap.folder);
    const license = demo('Heartbeat required');
    const made = await createActivationRequest({ config: t.issuer.config, secrets: gap.secrets, machine: gap.service, now: Date.now, version: 'test' }, { licenseKey: license.key });
    if (!made.ok) throw new Error(made.code);
    const [result] = await fulfilBatch([{ name: made.value.name, text: made.value.text }], { fulfiller: fulfillerFor(t, scratch()), pool, access: { kind: 'from-request' } });
    expect(result).toMatchObject({ ok: true });
    const deps = { manager: gap.manager, secrets: gap.secrets, machine: gap.service, publicKey: t.issuer.config.publicKey, pool };
    expect((await importFiles([{ name: 'response.json', text: result?.document?.text ?? '' }], deps))[0]).toMatchObject({ ok: true, licenseId: license.id });
  });
});

describe('import on the air-gapped machine', () => {
  it('an older response never replaces the newer one installed (CERTIFICATE_OLDER_THAN_INSTALLED); the installed file stays', async () => {
    const gap = simulatedMachine(t, 'older-newer');
    folders.push(gap.folder);
    const license = demo('Short expiry');
    const made = await createActivationRequest({ config: t.issuer.config, secrets: gap.secrets, machine: gap.service, now: Date.now, version: 'test' });
    if (!made.ok) throw new Error(made.code);
    const fulfil = async () =>
      (await fulfilBatch([{ name: made.value.name, text: made.value.text }], { fulfiller: fulfillerFor(t, scratch()), pool, access: { kind: 'license-key', licenseKey: license.key } }))[0];
    const first = await fulfil();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await fulfil();
    const deps = { manager: gap.manager, secrets: gap.secrets, machine: gap.service, publicKey: t.issuer.config.publicKey, pool };
    expect((await importFiles([{ name: 'new.json', text: second?.document?.text ?? '' }], deps, { licenseKey: license.key }))[0]).toMatchObject({ ok: true });
    const installed = value(await gap.manager.installed()).data[0];
    expect((await importFiles([{ name: 'old.json', text: first?.document?.text ?? '' }], deps))[0]).toMatchObject({ ok: false, code: 'CERTIFICATE_OLDER_THAN_INSTALLED' });
    expect(value(await gap.manager.installed()).data[0]?.updatedAt).toBe(installed?.updatedAt);
  });

  it('from a folder: its own files installed, each other file reported (another machine, a request, not genuine)', async () => {
    const gap = simulatedMachine(t, 'folder-import');
    folders.push(gap.folder);
    const stick = scratch();
    const license = demo('Floating (3 seats)');
    const own = await createActivationRequest({ config: t.issuer.config, secrets: gap.secrets, machine: gap.service, now: Date.now, version: 'test' });
    if (!own.ok) throw new Error(own.code);
    mkdirSync(join(stick, 'requests'));
    writeFileSync(join(stick, 'requests', own.value.name), own.value.text);
    // Seats may be taken by the fleet test: free them for this one.
    for (const machine of (await t.admin('GET', `/licenses/${license.id}/machines?page[size]=100&page[number]=1`)).json.data as { id: string }[]) await t.admin('DELETE', `/machines/${machine.id}`);
    const results = await fulfilBatch([{ path: join(stick, 'requests', own.value.name), shown: own.value.name }], {
      fulfiller: fulfillerFor(t, scratch()),
      pool,
      access: { kind: 'license-key', licenseKey: license.key },
      includeLicenseKey: true,
    });
    expect(results[0]).toMatchObject({ ok: true });
    const response = readFileSync(results[0]?.output as string, 'utf8');
    writeFileSync(join(stick, 'tampered.lic'), '-----BEGIN LICENSE FILE-----\nAAAA\n-----END LICENSE FILE-----\n');
    const otherResponse = JSON.parse(response);
    writeFileSync(join(stick, 'other.activation-response.json'), JSON.stringify({ ...otherResponse, request: { ...otherResponse.request, fingerprint: 'f'.repeat(64) } }));
    const deps = { manager: gap.manager, secrets: gap.secrets, machine: gap.service, publicKey: t.issuer.config.publicKey, pool };
    const { listFiles } = await import('../../src/airgap/list-files.js');
    const { isImportName } = await import('../../src/airgap/import-files.js');
    const files = await listFiles(stick, { match: isImportName });
    const outcome = await importFiles(files.map((path) => ({ path, shown: path.slice(stick.length + 1) })), deps);
    expect(Object.fromEntries(outcome.map((entry) => [entry.file, entry.ok ? 'installed' : entry.code]))).toEqual({
      'other.activation-response.json': 'FINGERPRINT_MISMATCH',
      [`requests/${own.value.name.replace('request', 'response')}`]: 'installed',
      'tampered.lic': 'LICENSE_FILE_MALFORMED',
    });
  });
});
