/**
 * Activation requests: made on the air-gapped machine (its fingerprint and hardware, the vendor
 * configuration's account and product, a nonce, the machine's public key, and the license key
 * only when the person asks), signed by the machine key; checked on the connected machine
 * before anything in them is used.
 */
import { randomBytes } from 'node:crypto';
import type { Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import type { VendorConfig } from '../config/vendor-config.types.js';
import type { MachineService } from '../machine/machine.service.js';
import type { SecretStore } from '../vault/secret-store.js';
import { DOCUMENT_VERSION, REQUEST_FORMAT, documentText, signDocument, type ActivationRequest, type DeactivationReceipt, type Unsigned } from './documents.js';
import { REQUEST_SUFFIX, machineStem } from './file-names.js';
import { machineKey } from './machine-key.js';

/** How old a request may be when fulfilled: a month covers a courier, not a forgotten stick. */
export const MAX_REQUEST_AGE_MS = 30 * 24 * 60 * 60 * 1000;
/** How far ahead of this clock a file may be dated (the license engine's drift). */
export const MAX_FUTURE_DRIFT_MS = 5 * 60 * 1000;

/** What making a request needs. */
export interface RequestDeps {
  readonly config: Pick<VendorConfig, 'account' | 'product'>;
  readonly secrets: SecretStore;
  readonly machine: Pick<MachineService, 'describe'>;
  readonly now: () => number;
  /** Tessera's version, recorded in the request. */
  readonly version: string;
}

/** A request ready to be written: its document, file name and text. */
export interface MadeRequest {
  readonly document: ActivationRequest;
  readonly name: string;
  readonly text: string;
}

/** A fresh random nonce: 16 bytes, base64url. */
export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * Makes and signs this machine's activation request. Fails with MACHINE_ID_UNAVAILABLE, or with
 * the secret store's code when the machine key cannot be read or made.
 */
export async function createActivationRequest(deps: RequestDeps, options: { readonly licenseKey?: string } = {}): Promise<Result<MadeRequest>> {
  const [described, key] = await Promise.all([deps.machine.describe(), machineKey(deps.secrets)]);
  if (!described.ok) return described;
  if (!key.ok) return key;
  const { fingerprint, hostname, platform, cores, memory } = described.value;
  const unsigned: Unsigned<ActivationRequest> = {
    format: REQUEST_FORMAT,
    version: DOCUMENT_VERSION,
    created: new Date(deps.now()).toISOString(),
    nonce: newNonce(),
    account: deps.config.account,
    product: deps.config.product,
    machine: { fingerprint, hostname, platform, cores, memory },
    app: { version: deps.version },
    machineKey: { alg: 'ed25519', publicKey: key.value.publicKey },
    ...(options.licenseKey === undefined ? {} : { licenseKey: options.licenseKey }),
  };
  const document = signDocument<ActivationRequest>(unsigned, key.value.sign);
  return { ok: true, value: { document, name: `${machineStem(hostname, fingerprint)}${REQUEST_SUFFIX}`, text: documentText(document) } };
}

/**
 * Whether a verified request or receipt is for this vendor and current: AIRGAP_PRODUCT_MISMATCH
 * (another account or product), AIRGAP_FILE_FROM_FUTURE, AIRGAP_REQUEST_EXPIRED (requests
 * only: a receipt frees a seat whenever it arrives).
 */
export function checkForThisVendor(
  document: ActivationRequest | DeactivationReceipt,
  config: Pick<VendorConfig, 'account' | 'product'>,
  now: number,
): Result<void, 'AIRGAP_PRODUCT_MISMATCH' | 'AIRGAP_FILE_FROM_FUTURE' | 'AIRGAP_REQUEST_EXPIRED'> {
  if (document.account.toLowerCase() !== config.account.toLowerCase()) return fail('AIRGAP_PRODUCT_MISMATCH');
  if ((document.product ?? '').toLowerCase() !== (config.product ?? '').toLowerCase()) return fail('AIRGAP_PRODUCT_MISMATCH');
  const created = Date.parse(document.created);
  if (created > now + MAX_FUTURE_DRIFT_MS) return fail('AIRGAP_FILE_FROM_FUTURE');
  if (document.format === REQUEST_FORMAT && now - created > MAX_REQUEST_AGE_MS) return fail('AIRGAP_REQUEST_EXPIRED');
  return { ok: true, value: undefined };
}
