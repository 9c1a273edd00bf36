/**
 * Checking out a machine file and installing it: asked with the vendor's TTL, retried while the
 * server cannot be reached (a check-out is safe to repeat), verified against this machine and
 * license, checked against what was asked (a proxy must not stretch its lifetime) and against
 * the installed file (never back in time), then stored: the key first, then the record, in one
 * change that also clears the activation in flight.
 */
import type { Result } from '../contract/codes.js';
import { isTransient } from '../contract/failures.js';
import { fail } from '../contract/messages.js';
import type { Credentials } from '../keygen/client.types.js';
import type { VerifiedLicenseFile } from '../license-file/types.js';
import { verifyLicenseFile } from '../license-file/verify.js';
import { fileExpiryOf, fileIssuedOf, licenseIdOf, recordFor, upsert } from './facts.js';
import { activeReport, keyRef, ok } from './manager-core.js';
import type { ManagerCore } from './manager-core.types.js';
import type { StatusReport } from './manager.types.js';
import type { InstalledRecord } from './state.types.js';
import { withSummary } from './verdict.js';

/** Attempts of one check-out, and the pause before each retry. */
const ATTEMPTS = 3;
const RETRY_PAUSE_MS = [500, 2_000];

/** What to check out and install. */
export interface CheckoutRequest {
  readonly licenseId: string;
  /** The machine's id (or fingerprint) on the server. */
  readonly machineRef: string;
  readonly licenseKey: string;
  readonly fingerprint: string;
  readonly source: InstalledRecord['source'];
  /** Make this the active license (an activation is a person's explicit choice). */
  readonly choose: boolean;
}

/** Asks the server for the machine file, retrying transient failures. */
async function checkOutWithRetries(core: ManagerCore, machineRef: string, credentials: Credentials): Promise<Result<string>> {
  for (let attempt = 1; ; attempt += 1) {
    const certificate = await core.client.checkOutMachine(machineRef, core.checkout, credentials);
    // Asking again may work only where the server said nothing (not reached, busy, something else answered).
    if (certificate.ok || !isTransient(certificate.code) || attempt >= ATTEMPTS) return certificate;
    await core.sleep(RETRY_PAUSE_MS[attempt - 1] ?? 2_000);
  }
}

/** Whether the file's lifetime is what the check-out asked for (its signed `ttl`, and `expiry − issued` within the vendor's terms). */
function lifetimeAsAsked(core: ManagerCore, file: VerifiedLicenseFile): boolean {
  const asked = core.checkout.ttl;
  const expiry = fileExpiryOf(file);
  if (asked === null || asked === undefined) return asked === null ? file.meta.ttl === null && expiry === null : true;
  const issued = fileIssuedOf(file);
  return file.meta.ttl === asked && expiry !== null && issued !== null && expiry - issued <= core.terms.maxFileLifetimeMs;
}

/**
 * Checks out and installs a machine file; returns the status it gives. Fails with the client's
 * code, the engine's, RESPONSE_SCOPE_MISMATCH (a file for another machine or license),
 * CHECKOUT_TTL_MISMATCH, CERTIFICATE_OLDER_THAN_INSTALLED, the secret store's code, or a
 * state-writing code.
 */
export async function checkOutAndInstall(core: ManagerCore, request: CheckoutRequest): Promise<Result<StatusReport>> {
  if (!core.pinned.ok) return core.pinned;
  const credentials: Credentials = { kind: 'license-key', key: request.licenseKey };
  const certificate = await checkOutWithRetries(core, request.machineRef, credentials);
  if (!certificate.ok) return certificate;
  const time = core.clock.now();
  const verified = verifyLicenseFile(certificate.value, core.pinned.value, {
    licenseKey: request.licenseKey,
    fingerprint: request.fingerprint,
    now: time,
    maxClockDriftMs: core.terms.clockToleranceMs,
  });
  if (!verified.ok) return verified;
  const file = verified.value;
  const id = licenseIdOf(file);
  if (file.kind !== 'machine' || id === null || id !== request.licenseId.toLowerCase()) return fail('RESPONSE_SCOPE_MISMATCH');
  if (!lifetimeAsAsked(core, file)) return fail('CHECKOUT_TTL_MISMATCH');
  const previous = await installedIssued(core, id);
  if (previous !== null && (fileIssuedOf(file) ?? 0) < previous) return fail('CERTIFICATE_OLDER_THAN_INSTALLED');
  const stored = await core.storable(certificate.value, file);
  if (!stored.ok) return stored;
  // The key first: a record whose key is missing could not be used; a key without a record is cleaned up later.
  const keptKey = await core.secrets.set(keyRef(id), request.licenseKey);
  if (!keptKey.ok) return keptKey;
  const installed = await install(core, id, stored.value, file, request, time);
  if (!installed.ok) return installed;
  const evaluated = await core.evaluate();
  if (!evaluated.ok) return evaluated;
  const report = activeReport(evaluated.value);
  // Confirmed online just now: the summary sentence says so too.
  return ok(evaluated.value.active?.record.id === id ? withSummary({ ...report, source: 'online' }) : report);
}

/** Installs the verified file in one change: the record, the choice, the activation in flight cleared. */
function install(core: ManagerCore, id: string, stored: string, file: VerifiedLicenseFile, request: CheckoutRequest, time: number): Promise<Result<InstalledRecord>> {
  return core.update((state) => {
    const previous = state.licenses.find((entry) => entry.id === id);
    let record = recordFor(id, stored, file, request.source, keyRef(id), previous, time);
    if (request.choose || state.licenses.every((entry) => entry.id === id)) record = { ...record, pinned: true };
    const licenses = upsert(state, record).licenses.map((entry) => (record.pinned && entry.id !== id && entry.pinned ? { ...entry, pinned: false } : entry));
    const activations = state.activations.filter((pending) => pending.licenseId !== id);
    return ok({ state: { ...state, licenses, activations }, value: record });
  });
}

/**
 * When the file installed for license `id` was issued (read from the certificate itself, signed),
 * or null when none is installed or it cannot be opened: a file issued before it would take the
 * license back in time (CERTIFICATE_OLDER_THAN_INSTALLED).
 */
export async function installedIssued(core: ManagerCore, id: string): Promise<number | null> {
  const loaded = await core.load();
  if (!loaded.ok) return null;
  const record = loaded.value.licenses.find((entry) => entry.id === id);
  return record === undefined ? null : core.issuedOf(record);
}
