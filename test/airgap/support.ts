/**
 * What the air-gapped tests share: requests and receipts made for machines that are not this
 * one (their own fingerprint and machine key), signed exactly as Tessera signs them.
 */
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { DOCUMENT_VERSION, RECEIPT_FORMAT, documentText, signDocument, type ActivationRequest, type DeactivationReceipt, type Unsigned } from '../../src/airgap/documents.js';
import { createActivationRequest } from '../../src/airgap/request.js';
import type { VendorConfig } from '../../src/config/vendor-config.types.js';
import { createMemoryStore } from '../../src/vault/memory.store.js';

/** A machine that is not this one: a fingerprint and a key of its own. */
export interface OtherMachine {
  readonly fingerprint: string;
  readonly hostname: string;
  readonly privateKey: KeyObject;
  readonly publicKey: string;
  sign(message: Uint8Array): Buffer;
}

export function otherMachine(label: string): OtherMachine {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
  return {
    fingerprint: `${label}-${randomBytes(8).toString('hex')}`.padEnd(64, '0').slice(0, 64),
    hostname: label,
    privateKey,
    publicKey: raw,
    sign: (message) => sign(null, message, privateKey),
  };
}

/** An activation request from `machine`, as its own Tessera would make it. */
export async function requestFrom(
  machine: OtherMachine,
  config: Pick<VendorConfig, 'account' | 'product'>,
  options: { readonly licenseKey?: string; readonly now?: number } = {},
): Promise<{ document: ActivationRequest; name: string; text: string }> {
  const secrets = createMemoryStore();
  await secrets.set('machine-key', machine.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'));
  const describe = async () => ({ ok: true as const, value: { fingerprint: machine.fingerprint, hostname: machine.hostname, platform: 'linux/x64', cores: 4, memory: 8 * 2 ** 30, cpuModel: 'test', disk: null } });
  const made = await createActivationRequest(
    { config, secrets, machine: { describe }, now: () => options.now ?? Date.now(), version: 'test' },
    options.licenseKey === undefined ? {} : { licenseKey: options.licenseKey },
  );
  if (!made.ok) throw new Error(`request: ${made.code}`);
  return made.value;
}

/** A deactivation receipt signed by `machine` for `machineId` of `licenseId`. */
export function receiptFrom(machine: OtherMachine, config: Pick<VendorConfig, 'account' | 'product'>, licenseId: string, machineId: string): { document: DeactivationReceipt; text: string } {
  const unsigned: Unsigned<DeactivationReceipt> = {
    format: RECEIPT_FORMAT,
    version: DOCUMENT_VERSION,
    created: new Date().toISOString(),
    nonce: randomBytes(16).toString('base64url'),
    account: config.account,
    product: config.product,
    license: { id: licenseId },
    machine: { id: machineId, fingerprint: machine.fingerprint, hostname: machine.hostname },
    machineKey: { alg: 'ed25519', publicKey: machine.publicKey },
  };
  const document = signDocument<DeactivationReceipt>(unsigned, machine.sign);
  return { document, text: documentText(document) };
}

/** A QR matrix as an RGB image (4 pixels a module, a quiet zone of 4 modules), as a camera would see a screen. */
export function imageOf(modules: readonly (readonly boolean[])[]): { width: number; height: number; data: Uint8Array } {
  const scale = 4;
  const quiet = 4;
  const side = (modules.length + quiet * 2) * scale;
  const data = new Uint8Array(side * side * 3).fill(255);
  modules.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (!dark) return;
      for (let dy = 0; dy < scale; dy += 1)
        for (let dx = 0; dx < scale; dx += 1) {
          const offset = (((y + quiet) * scale + dy) * side + (x + quiet) * scale + dx) * 3;
          data[offset] = 0;
          data[offset + 1] = 0;
          data[offset + 2] = 0;
        }
    }),
  );
  return { width: side, height: side, data };
}
