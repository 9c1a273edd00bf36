/**
 * Threat: an activation response whose machine file was altered, or whose wrapper lies (names
 * this machine's fingerprint around another machine's file, or carries a wrong key). The
 * response is trusted only through its vendor-signed machine file: each is refused, and the
 * license already installed stays as it was.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fulfilBatch } from '../../src/airgap/fulfil-batch.js';
import { importFiles } from '../../src/airgap/import-files.js';
import { createActivationRequest } from '../../src/airgap/request.js';
import { createFilePool, type FilePool } from '../../src/airgap/worker-pool.js';
import { startTestIssuer, type TestIssuer } from '../issuer/support.js';
import { fulfillerFor, simulatedMachine } from '../airgap/harness.js';
import { otherMachine, requestFrom } from '../airgap/support.js';
import { value } from '../support/result.js';

let t: TestIssuer;
let pool: FilePool;
let gap: ReturnType<typeof simulatedMachine>;
let genuine: string;
let others: string;
const license = () => t.issuer.licenses.find((entry) => entry.policy === 'Floating (3 seats)') as { id: string; key: string };
const deps = () => ({ manager: gap.manager, secrets: gap.secrets, machine: gap.service, publicKey: t.issuer.config.publicKey, pool });

beforeAll(async () => {
  t = await startTestIssuer({ seed: 'demo' });
  pool = createFilePool({ threads: 1 });
  gap = simulatedMachine(t, 'victim');
  const fulfiller = fulfillerFor(t, gap.folder);
  const made = await createActivationRequest({ config: t.issuer.config, secrets: gap.secrets, machine: gap.service, now: Date.now, version: 'test' });
  if (!made.ok) throw new Error(made.code);
  const access = { kind: 'license-key' as const, licenseKey: license().key };
  const [own] = await fulfilBatch([{ name: 'own', text: made.value.text }], { fulfiller, pool, access });
  const [other] = await fulfilBatch([{ name: 'other', text: (await requestFrom(otherMachine('other'), t.issuer.config)).text }], { fulfiller, pool, access });
  genuine = own?.document?.text ?? '';
  others = other?.document?.text ?? '';
  expect((await importFiles([{ name: 'own.json', text: genuine }], deps(), { licenseKey: license().key }))[0]).toMatchObject({ ok: true });
});
afterAll(async () => {
  await pool.close();
  await t.close();
  rmSync(gap.folder, { recursive: true, force: true });
});

describe('a forged activation response', () => {
  it("with its machine file's signature altered: LICENSE_FILE_NOT_GENUINE, and the installed license stays", async () => {
    const before = value(await gap.manager.installed()).data;
    const response = JSON.parse(genuine);
    const lines = (response.certificate as string).trim().split('\n');
    const envelope = JSON.parse(Buffer.from(lines.slice(1, -1).join(''), 'base64').toString('utf8'));
    const signature = Buffer.from(envelope.sig, 'base64');
    signature[0] = (signature[0] as number) ^ 1;
    const body = Buffer.from(JSON.stringify({ ...envelope, sig: signature.toString('base64') })).toString('base64');
    const forged = { ...response, certificate: `${lines[0]}\n${body}\n${lines.at(-1)}\n` };
    expect((await importFiles([{ name: 'forged.json', text: JSON.stringify(forged) }], deps(), { licenseKey: license().key }))[0]).toMatchObject({ ok: false, code: 'LICENSE_FILE_NOT_GENUINE' });
    expect(value(await gap.manager.installed()).data).toEqual(before);
  });

  it("naming this machine's fingerprint around another machine's file: it does not open here, nothing is installed", async () => {
    const before = value(await gap.manager.installed()).data;
    const mine = JSON.parse(genuine).request.fingerprint as string;
    const lying = JSON.parse(others);
    lying.request.fingerprint = mine;
    const [result] = await importFiles([{ name: 'lying.json', text: JSON.stringify(lying) }], deps(), { licenseKey: license().key });
    expect(result?.ok).toBe(false);
    expect(['LICENSE_FILE_DECRYPTION_FAILED', 'FINGERPRINT_MISMATCH']).toContain(result?.code);
    expect(value(await gap.manager.installed()).data).toEqual(before);
  });

  it('carrying a license key that is not the one of its file: refused, the stored key is untouched', async () => {
    const withWrongKey = { ...JSON.parse(genuine), licenseKey: 'WRONG-KEY-0000-0000' };
    const [result] = await importFiles([{ name: 'wrong-key.json', text: JSON.stringify(withWrongKey) }], deps());
    // The wrong key does not open it; the key already kept for this license does.
    expect(result).toMatchObject({ ok: true, licenseId: license().id });
    expect(await gap.secrets.get(`license:${license().id}`)).toEqual({ ok: true, value: license().key });
  });
});
