/**
 * What a verified certificate says, in the terms the manager works with: the license facts
 * shown to people, the license id a file belongs to, and the times that drive offline use.
 * Pure functions over already verified data; nothing here trusts unverified bytes.
 */
import type { ApiResource } from '../keygen/client.types.js';
import type { Resource, VerifiedLicenseFile } from '../license-file/types.js';
import type { LicenseFacts } from './manager.types.js';
import { NO_EVIDENCE, type InstalledRecord, type LicensingState } from './state.types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A secret shortened for display: the first 6 and last 2 characters, never more than a quarter
 * of it; short secrets are hidden entirely. Never returns the secret itself.
 */
export function maskKey(secret: string): string {
  if (secret.length <= 8) return '•'.repeat(secret.length);
  const head = Math.min(6, Math.floor(secret.length / 4));
  return `${secret.slice(0, head)}…${secret.slice(-2)}`;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The id a to-one relationship points at, or null. */
function relatedId(resource: Resource | ApiResource | null, name: string): string | null {
  const relationship = resource?.relationships?.[name];
  if (!isObject(relationship) || !isObject(relationship.data)) return null;
  return text(relationship.data.id);
}

/** A time attribute in milliseconds, or null when absent or unreadable. */
export function timeOf(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/** An ISO 8601 string for a time in milliseconds, or null. */
export function isoOf(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/**
 * The license id a verified file belongs to: the license of a license file, the included license
 * of a machine file, else its machine's `license` relationship. Null when none is a UUID.
 */
export function licenseIdOf(file: VerifiedLicenseFile): string | null {
  const id = file.license?.id ?? relatedId(file.machine, 'license');
  return id !== null && UUID.test(id) ? id.toLowerCase() : null;
}

/** When the certificate stops being usable offline (`meta.expiry` as given), or null. */
export function fileExpiryOf(file: VerifiedLicenseFile): number | null {
  return timeOf(file.meta.expiry);
}

/** When the certificate was issued. */
export function fileIssuedOf(file: VerifiedLicenseFile): number | null {
  return timeOf(file.meta.issued);
}

/** The heartbeat requirement of a machine resource (from a file or the server). */
export function heartbeatOf(machine: Resource | ApiResource | null): { readonly requireHeartbeat: boolean; readonly heartbeatDuration: number | null } {
  const attributes = machine?.attributes ?? {};
  const duration = attributes.heartbeatDuration;
  const requireHeartbeat = attributes.requireHeartbeat === true;
  const valid = typeof duration === 'number' && Number.isSafeInteger(duration) && duration > 0;
  return { requireHeartbeat, heartbeatDuration: valid ? duration : null };
}

function named(resource: Resource | null, fallbackId: string | null): { readonly id: string; readonly name: string | null } | null {
  if (resource !== null) return { id: resource.id, name: text(resource.attributes.name) };
  return fallbackId === null ? null : { id: fallbackId, name: null };
}

/** The facts of a verified file; `keyHint` is the already masked key, or null. */
export function factsOf(file: VerifiedLicenseFile, keyHint: string | null): LicenseFacts {
  const license = file.license;
  const attributes = license?.attributes ?? {};
  const entitlements = file.entitlements
    .map((entitlement) => text(entitlement.attributes.code))
    .filter((code): code is string => code !== null)
    .sort();
  const fingerprint = text(file.machine?.attributes.fingerprint);
  return {
    id: licenseIdOf(file) ?? license?.id ?? '',
    name: text(attributes.name),
    keyHint,
    status: text(attributes.status),
    expiry: isoOf(timeOf(attributes.expiry)),
    policy: named(file.policy, relatedId(license, 'policy')),
    product: named(file.product, relatedId(license, 'product')),
    entitlements: [...new Set(entitlements)],
    machine:
      file.machine === null || fingerprint === null
        ? null
        : { id: file.machine.id, name: text(file.machine.attributes.name), fingerprint },
  };
}

/** Facts refreshed with what the server said about the license just now (name, status, expiry). */
export function withLiveLicense(facts: LicenseFacts, license: ApiResource | null): LicenseFacts {
  if (license === null || license.id.toLowerCase() !== facts.id.toLowerCase()) return facts;
  const { attributes } = license;
  return {
    ...facts,
    name: 'name' in attributes ? text(attributes.name) : facts.name,
    status: text(attributes.status) ?? facts.status,
    expiry: 'expiry' in attributes ? isoOf(timeOf(attributes.expiry)) : facts.expiry,
  };
}

/** The license's own expiry and next check-in, from a verified file's license attributes. */
export function licenseTimesOf(file: VerifiedLicenseFile): { readonly expiry: number | null; readonly nextCheckIn: number | null; readonly suspended: boolean } {
  const attributes = file.license?.attributes ?? {};
  return { expiry: timeOf(attributes.expiry), nextCheckIn: timeOf(attributes.nextCheckIn), suspended: attributes.suspended === true };
}

/**
 * A record for a verified certificate (`stored` is its text as kept: armored, or sealed), keeping
 * what a person chose (label, choice) and the server's kept answers from the one it replaces.
 */
export function recordFor(
  id: string,
  stored: string,
  file: VerifiedLicenseFile,
  source: InstalledRecord['source'],
  licenseKeyRef: string | null,
  previous: InstalledRecord | undefined,
  now: number,
): InstalledRecord {
  const fingerprint = file.machine?.attributes.fingerprint;
  return {
    id,
    kind: file.kind,
    source,
    certificate: stored,
    machineId: file.machine?.id ?? null,
    fingerprint: typeof fingerprint === 'string' ? fingerprint : null,
    licenseKeyRef,
    label: previous?.label ?? null,
    pinned: previous?.pinned ?? false,
    evidence: previous?.evidence ?? NO_EVIDENCE,
    deactivating: null,
    installedAt: previous?.installedAt ?? now,
    updatedAt: now,
  };
}

/** `state` with `record` in place of the record of the same id (or added). */
export function upsert(state: LicensingState, record: InstalledRecord): LicensingState {
  const others = state.licenses.filter((entry) => entry.id !== record.id);
  return { ...state, licenses: [...others, record] };
}
