/**
 * Fulfilment on a connected machine, one verified request or receipt at a time:
 * - an activation request: activate its fingerprint on the license (a plain `POST /machines`
 *   with that fingerprint and its machine key in the metadata), or find the machine it already
 *   is (idempotent: a second fulfilment takes no second seat), then check out its encrypted
 *   machine file and wrap it in a response;
 * - a deactivation receipt: find the machine, check that the receipt was signed by the machine
 *   key registered for it, deactivate it; a receipt applied twice is "already deactivated".
 */
import type { FailureCode, Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import type { FulfilAccess } from '../contract/airgap.types.js';
import type { VendorConfig } from '../config/vendor-config.types.js';
import type { ApiResource, CheckoutOptions, Credentials, KeygenClient } from '../keygen/client.types.js';
import type { KeyFamily, PinnedKey } from '../license-file/public-key.js';
import { verifyCertificateSignature, verifyLicenseFile } from '../license-file/verify.js';
import {
  CONFIRMATION_FORMAT,
  DOCUMENT_VERSION,
  RESPONSE_FORMAT,
  documentDigest,
  type ActivationRequest,
  type ActivationResponse,
  type DeactivationConfirmation,
  type DeactivationReceipt,
} from './documents.js';
import { MACHINE_KEY_METADATA, registeredKey, registeredValue } from './machine-key.js';
import type { ReceiptLedger } from './receipt-ledger.js';
import { checkForThisVendor } from './request.js';

/** What a machine file carries besides the machine (as for online activations: see manager-core.ts). */
const CERTIFICATE_INCLUDES = ['license', 'license.entitlements'] as const;
const ALGORITHM_FOR: Record<KeyFamily, string> = {
  ed25519: 'aes-256-gcm+ed25519',
  'ecdsa-p256': 'aes-256-gcm+ecdsa-p256',
  rsa: 'aes-256-gcm+rsa-pss-sha256',
};

export interface FulfilDeps {
  readonly config: VendorConfig;
  readonly client: KeygenClient;
  readonly pinned: PinnedKey;
  readonly ledger: ReceiptLedger;
  readonly now: () => number;
}

/** The outcome of one fulfilment: the document to write, or why not. */
export type Fulfilled =
  | { readonly ok: true; readonly kind: 'activation'; readonly machineId: string; readonly response: ActivationResponse }
  | { readonly ok: true; readonly kind: 'deactivation'; readonly machineId: string; readonly confirmation: DeactivationConfirmation; readonly already: boolean }
  | { readonly ok: false; readonly kind: 'activation' | 'deactivation'; readonly code: FailureCode; readonly message: string; readonly machineId?: string };

/** Who pays, resolved: the credentials and the license they act on. */
interface Payer {
  readonly credentials: Credentials;
  readonly licenseId: string;
  /** The license key, when known (to check the machine file fully, and to include it when asked). */
  readonly licenseKey: string | null;
}

export interface Fulfiller {
  activate(request: ActivationRequest, access: FulfilAccess, options?: { readonly includeLicenseKey?: boolean }): Promise<Fulfilled>;
  deactivate(receipt: DeactivationReceipt, access: FulfilAccess): Promise<Fulfilled>;
}

const failed = (kind: 'activation' | 'deactivation', failure: { readonly code: FailureCode; readonly message: string }, machineId?: string): Fulfilled => ({
  ok: false,
  kind,
  code: failure.code,
  message: failure.message,
  ...(machineId === undefined ? {} : { machineId }),
});

/** The license a machine belongs to, from its relationships; null when not given. */
function licenseOf(machine: ApiResource): string | null {
  const license = (machine.relationships as { license?: { data?: { id?: unknown } } } | undefined)?.license?.data?.id;
  return typeof license === 'string' ? license.toLowerCase() : null;
}

/** Creates a fulfiller. A license key is validated once per run, not once per request. */
export function createFulfiller(deps: FulfilDeps): Fulfiller {
  const { client, config, pinned } = deps;
  const checkout: CheckoutOptions = {
    encrypt: true,
    ...(config.checkoutTtl === undefined ? {} : { ttl: config.checkoutTtl }),
    include: CERTIFICATE_INCLUDES,
    algorithm: ALGORITHM_FOR[pinned.family],
  };
  const licenses = new Map<string, Promise<Result<string>>>();

  /** The license a key belongs to, asked once per key (a validation scoped to the product). */
  function licenseForKey(key: string): Promise<Result<string>> {
    let known = licenses.get(key);
    if (known === undefined) {
      known = client.validateKey(key, config.product === null ? {} : { product: config.product }).then((validation): Result<string> => {
        if (!validation.ok) return validation;
        if (validation.value.license === null) return fail('NOT_FOUND');
        return { ok: true, value: validation.value.license.id.toLowerCase() };
      });
      licenses.set(key, known);
      // A failure (server unreachable) is not remembered: the next file asks again.
      void known.then((result) => {
        if (!result.ok) licenses.delete(key);
      });
    }
    return known;
  }

  async function payer(access: FulfilAccess, carriedKey: string | undefined): Promise<Result<Payer>> {
    if (access.kind === 'admin') return { ok: true, value: { credentials: { kind: 'token', token: access.adminToken }, licenseId: access.licenseId.toLowerCase(), licenseKey: null } };
    const key = access.kind === 'license-key' ? access.licenseKey : carriedKey;
    if (key === undefined) return fail('FULFIL_CREDENTIALS_REQUIRED');
    const license = await licenseForKey(key);
    if (!license.ok) return license;
    return { ok: true, value: { credentials: { kind: 'license-key', key }, licenseId: license.value, licenseKey: key } };
  }

  /** The machine for this request: activated now, or found when the fingerprint already holds a seat on the license. */
  async function machineFor(request: ActivationRequest, paying: Payer, retried = false): Promise<Result<ApiResource>> {
    const { fingerprint, hostname, platform, cores, memory } = request.machine;
    const created = await client.activate(
      paying.licenseId,
      { fingerprint, name: hostname, hostname, platform, cores, ...(memory === undefined ? {} : { memory }), metadata: { [MACHINE_KEY_METADATA]: registeredValue(request.machineKey.publicKey) } },
      paying.credentials,
    );
    if (created.ok || created.code !== 'FINGERPRINT_TAKEN') return created;
    const found = await client.machine(fingerprint, paying.credentials);
    // Deactivated between the two calls (by someone else): activate once more.
    if (!found.ok && found.code === 'RESOURCE_NOT_FOUND' && !retried) return machineFor(request, paying, true);
    // Taken on another license of the account (an admin token sees them all): not this seat.
    if (!found.ok || licenseOf(found.value) !== paying.licenseId) return created;
    const registered = registeredKey(found.value.attributes.metadata);
    // No key registered (activated before Tessera registered keys, or by an admin): reused as it is.
    if (registered !== null && registered !== request.machineKey.publicKey) return fail('AIRGAP_MACHINE_KEY_MISMATCH');
    return found;
  }

  /** The machine file is checked before it is handed on: genuine, a machine file, for this license and fingerprint. */
  function checkCertificate(certificate: string, request: ActivationRequest, paying: Payer): Result<void> {
    if (paying.licenseKey === null) {
      const envelope = verifyCertificateSignature(certificate, pinned);
      if (!envelope.ok) return envelope;
      return envelope.value.kind === 'machine' ? { ok: true, value: undefined } : fail('RESPONSE_SCOPE_MISMATCH');
    }
    const verified = verifyLicenseFile(certificate, pinned, { licenseKey: paying.licenseKey, fingerprint: request.machine.fingerprint, now: deps.now() });
    if (!verified.ok) return verified;
    const { kind, license, machine } = verified.value;
    if (kind !== 'machine' || license?.id.toLowerCase() !== paying.licenseId || machine?.attributes.fingerprint !== request.machine.fingerprint) return fail('RESPONSE_SCOPE_MISMATCH');
    return { ok: true, value: undefined };
  }

  return {
    async activate(request, access, options = {}) {
      const current = checkForThisVendor(request, config, deps.now());
      if (!current.ok) return failed('activation', current);
      const paying = await payer(access, request.licenseKey);
      if (!paying.ok) return failed('activation', paying);
      const machine = await machineFor(request, paying.value);
      if (!machine.ok) return failed('activation', machine);
      const certificate = await client.checkOutMachine(machine.value.id, checkout, paying.value.credentials);
      if (!certificate.ok) return failed('activation', certificate, machine.value.id);
      const checked = checkCertificate(certificate.value, request, paying.value);
      if (!checked.ok) return failed('activation', checked, machine.value.id);
      // The key travels back only when the person asked: in the request, or to the fulfilment.
      const includeKey = paying.value.licenseKey !== null && (request.licenseKey !== undefined || options.includeLicenseKey === true);
      const response: ActivationResponse = {
        format: RESPONSE_FORMAT,
        version: DOCUMENT_VERSION,
        created: new Date(deps.now()).toISOString(),
        request: { nonce: request.nonce, fingerprint: request.machine.fingerprint, hostname: request.machine.hostname },
        license: { id: paying.value.licenseId },
        machine: { id: machine.value.id },
        certificate: certificate.value,
        ...(includeKey ? { licenseKey: paying.value.licenseKey as string } : {}),
      };
      return { ok: true, kind: 'activation', machineId: machine.value.id, response };
    },

    async deactivate(receipt, access) {
      const current = checkForThisVendor(receipt, config, deps.now());
      if (!current.ok) return failed('deactivation', current);
      const paying = await payer(access, undefined);
      if (!paying.ok) return failed('deactivation', paying);
      const machineId = receipt.machine.id.toLowerCase();
      const digest = documentDigest(receipt);
      const confirm = async (already: boolean): Promise<Fulfilled> => {
        if (!already) await deps.ledger.record({ digest, licenseId: receipt.license.id, machineId, at: new Date(deps.now()).toISOString() });
        const confirmation: DeactivationConfirmation = {
          format: CONFIRMATION_FORMAT,
          version: DOCUMENT_VERSION,
          created: new Date(deps.now()).toISOString(),
          receipt: { nonce: receipt.nonce, digest },
          license: { id: receipt.license.id },
          machine: { id: machineId, fingerprint: receipt.machine.fingerprint },
          outcome: already ? 'already-deactivated' : 'deactivated',
        };
        return { ok: true, kind: 'deactivation', machineId, confirmation, already };
      };
      const found = await client.machine(machineId, paying.value.credentials);
      if (!found.ok) {
        if (found.code !== 'RESOURCE_NOT_FOUND') return failed('deactivation', found, machineId);
        return (await deps.ledger.has(digest)) ? confirm(true) : failed('deactivation', fail('AIRGAP_MACHINE_UNKNOWN'), machineId);
      }
      const machine = found.value;
      if (machine.attributes.fingerprint !== receipt.machine.fingerprint || licenseOf(machine) !== receipt.license.id.toLowerCase()) {
        return failed('deactivation', fail('AIRGAP_RECEIPT_MISMATCH'), machineId);
      }
      const registered = registeredKey(machine.attributes.metadata);
      if (registered === null) return failed('deactivation', fail('AIRGAP_MACHINE_KEY_MISSING'), machineId);
      if (registered !== receipt.machineKey.publicKey) return failed('deactivation', fail('AIRGAP_MACHINE_KEY_MISMATCH'), machineId);
      const deleted = await client.deactivate(machineId, paying.value.credentials);
      // Gone between the look-up and the delete: deactivated all the same.
      if (!deleted.ok && deleted.code !== 'RESOURCE_NOT_FOUND') return failed('deactivation', deleted, machineId);
      return confirm(false);
    },
  };
}
