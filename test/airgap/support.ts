/**
 * What the air-gapped tests share: requests and receipts made for machines that are not this
 * one (their own fingerprint and machine key), signed exactly as Tessera signs them.
 */
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFulfiller, type Fulfiller } from '../../src/airgap/fulfil.js';
import { rateLimitRetrying } from '../../src/airgap/rate-limit-transport.js';
import { createReceiptLedger } from '../../src/airgap/receipt-ledger.js';
import { createKeygenClient } from '../../src/keygen/client.js';
import { createNodeTransport, type Transport } from '../../src/keygen/transport.js';
import { parsePublicKey } from '../../src/license-file/public-key.js';
import { createLicenseManager } from '../../src/licensing/manager.js';
import { createFileStateStore } from '../../src/licensing/state-store.js';
import { MachineService } from '../../src/machine/machine.service.js';
import type { TestIssuer } from '../issuer/support.js';
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

/** One simulated machine against an issuer: its own fingerprint (from `name`), data folder, secret store and license manager. */
export function simulatedMachine(t: TestIssuer, name: string, config: VendorConfig = t.issuer.config) {
  const folder = mkdtempSync(join(tmpdir(), `tessera-airgap-${name}-`));
  const secrets = createMemoryStore();
  const service = new MachineService({ read: async () => `machine-id-${name}` });
  const manager = createLicenseManager({
    config,
    client: createKeygenClient({ config, env: {}, sleep: async () => undefined }),
    state: createFileStateStore(join(folder, 'licensing')),
    secrets,
    machine: service,
    now: Date.now,
  });
  const runtime = { manager, config, secrets, dataFolder: folder };
  return { folder, secrets, service, manager, runtime, config };
}

/** The fulfiller of a connected machine whose data folder is `folder`. */
export function fulfillerFor(t: TestIssuer, folder: string, options: { readonly transport?: Transport } = {}): Fulfiller {
  const config = t.issuer.config;
  const pinned = parsePublicKey(config.publicKey);
  if (!pinned.ok) throw new Error('the issuer key does not parse');
  const client = createKeygenClient({ config, env: {}, transport: options.transport ?? rateLimitRetrying(createNodeTransport({ env: {}, keepAlive: true })), sleep: async () => undefined });
  return createFulfiller({ config, client, pinned: pinned.value, ledger: createReceiptLedger(folder), now: Date.now });
}
