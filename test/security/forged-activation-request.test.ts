/**
 * Threat: a forged or altered activation request (someone edits the fingerprint, adds a key,
 * swaps the machine key, replays an old one, or aims it at another product) is carried to a
 * connected machine. Each is refused with its code before the licensing server is asked.
 */
import { describe, expect, it } from 'vitest';
import { parseCarried } from '../../src/airgap/documents.js';
import { fulfilBatch } from '../../src/airgap/fulfil-batch.js';
import type { Fulfiller } from '../../src/airgap/fulfil.js';
import { createFilePool } from '../../src/airgap/worker-pool.js';
import { otherMachine, requestFrom } from '../airgap/support.js';

const CONFIG = { account: 'acct-1', product: 'prod-1' };

/** A fulfiller that records whether the server would have been asked. */
function spyFulfiller(): { fulfiller: Fulfiller; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    fulfiller: {
      activate: async (request) => {
        asked.push(request.machine.fingerprint);
        return { ok: false, kind: 'activation', code: 'ISSUER_UNREACHABLE', message: 'not reached in this test' };
      },
      deactivate: async () => ({ ok: false, kind: 'deactivation', code: 'ISSUER_UNREACHABLE', message: 'not reached in this test' }),
    },
  };
}

async function fulfilText(text: string): Promise<{ code: string | undefined; asked: string[] }> {
  const { fulfiller, asked } = spyFulfiller();
  const pool = createFilePool({ threads: 1 });
  const [result] = await fulfilBatch([{ name: 'request.json', text }], { fulfiller, pool, access: { kind: 'license-key', licenseKey: 'KEY' } });
  return { code: result?.code, asked };
}

describe('a forged activation request', () => {
  it('altered after signing (fingerprint, hostname, an added license key, cores): AIRGAP_FILE_NOT_GENUINE, the server never asked', async () => {
    const { document } = await requestFrom(otherMachine('victim'), CONFIG);
    const alterations = [
      { ...document, machine: { ...document.machine, fingerprint: 'e'.repeat(64) } },
      { ...document, machine: { ...document.machine, hostname: 'elsewhere' } },
      { ...document, machine: { ...document.machine, cores: 1 } },
      { ...document, licenseKey: 'STOLEN-KEY' },
      { ...document, product: 'prod-2' },
    ];
    for (const altered of alterations) {
      expect(parseCarried(JSON.stringify(altered))).toMatchObject({ ok: false, code: 'AIRGAP_FILE_NOT_GENUINE' });
      expect(await fulfilText(JSON.stringify(altered))).toEqual({ code: 'AIRGAP_FILE_NOT_GENUINE', asked: [] });
    }
  });

  it('with the machine key swapped for another (the signature no longer matches the key it names): AIRGAP_FILE_NOT_GENUINE', async () => {
    const { document } = await requestFrom(otherMachine('victim'), CONFIG);
    const swapped = { ...document, machineKey: { alg: 'ed25519', publicKey: otherMachine('attacker').publicKey } };
    expect(await fulfilText(JSON.stringify(swapped))).toEqual({ code: 'AIRGAP_FILE_NOT_GENUINE', asked: [] });
  });

  it('with a malformed signature or an unknown member: AIRGAP_FILE_MALFORMED; another format version: AIRGAP_FILE_UNSUPPORTED_VERSION', async () => {
    const { document } = await requestFrom(otherMachine('victim'), CONFIG);
    expect((await fulfilText(JSON.stringify({ ...document, signature: 'AAAA' }))).code).toBe('AIRGAP_FILE_MALFORMED');
    expect((await fulfilText(JSON.stringify({ ...document, note: 'x' }))).code).toBe('AIRGAP_FILE_MALFORMED');
    expect((await fulfilText(JSON.stringify({ ...document, version: 99 }))).code).toBe('AIRGAP_FILE_UNSUPPORTED_VERSION');
    expect((await fulfilText('{"format":"tessera.activation-request"')).code).toBe('AIRGAP_FILE_MALFORMED');
  });

  it('a genuine one replayed after 30 days, or for another product: refused by the fulfiller with its code', async () => {
    const { checkForThisVendor, MAX_REQUEST_AGE_MS } = await import('../../src/airgap/request.js');
    const old = (await requestFrom(otherMachine('victim'), CONFIG, { now: Date.now() - MAX_REQUEST_AGE_MS - 60_000 })).document;
    expect(checkForThisVendor(old, CONFIG, Date.now())).toMatchObject({ code: 'AIRGAP_REQUEST_EXPIRED' });
    const elsewhere = (await requestFrom(otherMachine('victim'), { ...CONFIG, product: 'prod-2' })).document;
    expect(checkForThisVendor(elsewhere, CONFIG, Date.now())).toMatchObject({ code: 'AIRGAP_PRODUCT_MISMATCH' });
  });
});
