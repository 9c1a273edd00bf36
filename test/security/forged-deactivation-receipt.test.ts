/**
 * Threat: a deactivation receipt that would free someone else's seat: forged (altered after
 * signing), signed by a key that is not the machine's registered one, for a machine the
 * server does not have, or naming another machine's fingerprint; and a genuine receipt
 * replayed. Against the local issuer over real sockets.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCarried, type DeactivationReceipt } from '../../src/airgap/documents.js';
import type { Fulfiller } from '../../src/airgap/fulfil.js';
import { startTestIssuer, type TestIssuer } from '../issuer/support.js';
import { fulfillerFor } from '../airgap/harness.js';
import { otherMachine, receiptFrom, requestFrom, type OtherMachine } from '../airgap/support.js';

let t: TestIssuer;
let folder: string;
let fulfiller: Fulfiller;
let machine: OtherMachine;
let machineId: string;
const access = () => ({ kind: 'license-key' as const, licenseKey: license().key });
const license = () => t.issuer.licenses.find((entry) => entry.policy === 'Floating (3 seats)') as { id: string; key: string };
const onServer = async (id: string): Promise<number> => (await t.admin('GET', `/machines/${id}`)).status;

beforeAll(async () => {
  t = await startTestIssuer({ seed: 'demo' });
  folder = mkdtempSync(join(tmpdir(), 'tessera-receipts-'));
  fulfiller = fulfillerFor(t, folder);
  machine = otherMachine('seat-holder');
  const activated = await fulfiller.activate((await requestFrom(machine, t.issuer.config)).document, access());
  if (!activated.ok) throw new Error(activated.code);
  machineId = activated.machineId;
});
afterAll(async () => {
  await t.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('a forged deactivation receipt', () => {
  it('altered after signing: refused before anything is used (AIRGAP_FILE_NOT_GENUINE)', () => {
    const { document } = receiptFrom(machine, t.issuer.config, license().id, machineId);
    const altered = { ...document, machine: { ...document.machine, id: '00000000-0000-4000-8000-0000000000ff' } };
    expect(parseCarried(JSON.stringify(altered))).toMatchObject({ ok: false, code: 'AIRGAP_FILE_NOT_GENUINE' });
  });

  it("signed by a key that is not the one registered for the machine: AIRGAP_MACHINE_KEY_MISMATCH, and the seat stays", async () => {
    const impostor = { ...otherMachine('impostor'), fingerprint: machine.fingerprint };
    const outcome = await fulfiller.deactivate(receiptFrom(impostor, t.issuer.config, license().id, machineId).document, access());
    expect(outcome).toMatchObject({ ok: false, code: 'AIRGAP_MACHINE_KEY_MISMATCH' });
    expect(await onServer(machineId)).toBe(200);
  });

  it("naming another fingerprint or license than the server's machine: AIRGAP_RECEIPT_MISMATCH", async () => {
    const elsewhere = { ...machine, fingerprint: 'f'.repeat(64) };
    expect(await fulfiller.deactivate(receiptFrom(elsewhere, t.issuer.config, license().id, machineId).document, access())).toMatchObject({ ok: false, code: 'AIRGAP_RECEIPT_MISMATCH' });
    expect(await onServer(machineId)).toBe(200);
  });

  it('for a machine the server does not have and this Tessera never deactivated: AIRGAP_MACHINE_UNKNOWN', async () => {
    const outcome = await fulfiller.deactivate(receiptFrom(machine, t.issuer.config, license().id, '00000000-0000-4000-8000-000000000000').document, access());
    expect(outcome).toMatchObject({ ok: false, code: 'AIRGAP_MACHINE_UNKNOWN' });
  });

  it('for another product: AIRGAP_PRODUCT_MISMATCH', async () => {
    const outcome = await fulfiller.deactivate(receiptFrom(machine, { ...t.issuer.config, product: 'another-product' }, license().id, machineId).document, access());
    expect(outcome).toMatchObject({ ok: false, code: 'AIRGAP_PRODUCT_MISMATCH' });
  });

  it('the genuine receipt frees the seat once; replayed, it is "already deactivated" and nothing else happens', async () => {
    const genuine: DeactivationReceipt = receiptFrom(machine, t.issuer.config, license().id, machineId).document;
    expect(await fulfiller.deactivate(genuine, access())).toMatchObject({ ok: true, already: false });
    expect(await onServer(machineId)).toBe(404);
    expect(await fulfiller.deactivate(genuine, access())).toMatchObject({ ok: true, already: true });
    // Another connected machine (its own ledger) cannot tell a replay from an unknown machine: it refuses.
    const elsewhere = fulfillerFor(t, mkdtempSync(join(tmpdir(), 'tessera-receipts-other-')));
    expect(await elsewhere.deactivate(genuine, access())).toMatchObject({ ok: false, code: 'AIRGAP_MACHINE_UNKNOWN' });
  });
});
