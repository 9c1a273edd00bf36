/**
 * Files installed by hand (air-gapped machines) and the list of installed licenses: import,
 * list, show, label and pin, remove.
 */
import type { Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import { verifyCertificateSignature, verifyLicenseFile } from '../license-file/verify.js';
import { fileIssuedOf, licenseIdOf, recordFor, upsert } from './facts.js';
import { isSecretShaped, keyRef, ok, type ManagerCore } from './manager-core.js';
import type { InstalledLicense, Paged } from './manager.types.js';
import { toInstalled } from './status.js';
import type { InstalledRecord } from './state.types.js';

const MAX_LABEL_LENGTH = 200;
const DEFAULT_PAGE = 20;
const MAX_PAGE = 100;

/** `LicenseManager.importFile`: verifies a license or machine file, then installs it (its key to the keychain). */
export async function importFile(core: ManagerCore, certificate: string, options: { readonly licenseKey?: string } = {}): Promise<Result<InstalledLicense>> {
  if (!core.pinned.ok) return core.pinned;
  if (typeof certificate !== 'string') return fail('LICENSE_FILE_MALFORMED');
  const licenseKey = options.licenseKey ?? null;
  if (licenseKey !== null && !isSecretShaped(licenseKey)) return fail('LICENSE_INVALID');
  const envelope = verifyCertificateSignature(certificate, core.pinned.value);
  if (!envelope.ok) return envelope;
  if (envelope.value.encrypted && licenseKey === null) return fail('LICENSE_KEY_REQUIRED');
  let fingerprint: string | undefined;
  if (envelope.value.kind === 'machine') {
    const read = await core.machine.fingerprint();
    if (!read.ok) return read;
    fingerprint = read.value;
  }
  const loaded = await core.load();
  if (!loaded.ok) return loaded;
  const time = core.now();
  const verified = verifyLicenseFile(certificate, core.pinned.value, { licenseKey, fingerprint, now: time, watermark: loaded.value.watermark });
  if (!verified.ok) return verified;
  const file = verified.value;
  const id = licenseIdOf(file);
  if (id === null) return fail('LICENSE_FILE_MALFORMED');
  const keyInFile = file.license?.attributes.key;
  // An unencrypted file names its key: a different one given beside it belongs to another license.
  if (licenseKey !== null && typeof keyInFile === 'string' && keyInFile !== licenseKey) return fail('LICENSE_INVALID');
  if (await newerInstalled(core, id, fileIssuedOf(file))) return fail('LICENSE_FILE_OLDER');
  if (licenseKey !== null) {
    const stored = await core.secrets.set(keyRef(id), licenseKey);
    if (!stored.ok) return stored;
  }
  const saved = await core.mutate((state) => {
    const previous = state.licenses.find((entry) => entry.id === id);
    const ref = licenseKey !== null ? keyRef(id) : (previous?.licenseKeyRef ?? null);
    return ok({ state: upsert(state, recordFor(id, certificate, file, 'import', ref, previous, time), time), value: undefined });
  });
  if (!saved.ok) return saved;
  core.log(`import: license ${id} installed from a ${file.kind} file`);
  return core.getInstalled(id);
}

/** Whether the installed file of license `id` was issued after `issued`: an older file never replaces a newer one. */
async function newerInstalled(core: ManagerCore, id: string, issued: number | null): Promise<boolean> {
  if (issued === null) return false;
  const listed = await core.installedEntries();
  const installed = listed?.entries.find((entry) => entry.record.id === id)?.file ?? null;
  const installedIssued = installed === null ? null : fileIssuedOf(installed);
  return installedIssued !== null && installedIssued > issued;
}

/** `LicenseManager.installed`: installed licenses in install order, a page at a time. */
export async function installed(core: ManagerCore, page: { readonly after?: string; readonly limit?: number } = {}): Promise<Paged<InstalledLicense>> {
  const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(page.limit ?? DEFAULT_PAGE) || DEFAULT_PAGE));
  const listed = await core.installedEntries();
  if (listed === null) return { data: [], next: null };
  let start = 0;
  if (page.after !== undefined) {
    const index = listed.entries.findIndex((entry) => entry.record.id === page.after?.toLowerCase());
    if (index < 0) return { data: [], next: null };
    start = index + 1;
  }
  const slice = listed.entries.slice(start, start + limit);
  const last = slice[slice.length - 1];
  const next = last !== undefined && start + limit < listed.entries.length ? last.record.id : null;
  return { data: slice.map((entry) => toInstalled(entry, listed.active)), next };
}

/** `LicenseManager.update`: a person's label and the pin (one pinned license at most). */
export async function update(core: ManagerCore, id: string, changes: { readonly label?: string | null; readonly pinned?: boolean }): Promise<Result<InstalledLicense>> {
  const label = changes.label;
  if (label !== undefined && label !== null) {
    // eslint-disable-next-line no-control-regex -- a label is one line of plain text
    if (typeof label !== 'string' || label.length > MAX_LABEL_LENGTH || /[\u0000-\u001f\u007f-\u009f]/.test(label)) {
      throw new TypeError(`A label is one line of at most ${MAX_LABEL_LENGTH} characters.`);
    }
  }
  if (changes.pinned !== undefined && typeof changes.pinned !== 'boolean') throw new TypeError('pinned must be a boolean.');
  const wanted = String(id).toLowerCase();
  const time = core.now();
  const updated = await core.mutate((state) => {
    const record = state.licenses.find((entry) => entry.id === wanted);
    if (record === undefined) return fail('LICENSE_NOT_INSTALLED');
    const changed: InstalledRecord = {
      ...record,
      ...(label === undefined ? {} : { label: label === null || label.trim() === '' ? null : label.trim() }),
      ...(changes.pinned === undefined ? {} : { pinned: changes.pinned }),
    };
    // One pin at most: pinning a license unpins the others.
    const licenses = state.licenses.map((entry) => (entry.id === wanted ? changed : changes.pinned === true && entry.pinned ? { ...entry, pinned: false } : entry));
    return ok({ state: { ...state, licenses }, value: time });
  });
  if (!updated.ok) return updated;
  return core.getInstalled(wanted);
}

/** `LicenseManager.remove`: forgets an installed license and its key here; the server is not told. */
export async function remove(core: ManagerCore, id: string): Promise<Result<void>> {
  const loaded = await core.load();
  if (!loaded.ok) return loaded;
  const record = loaded.value.licenses.find((entry) => entry.id === String(id).toLowerCase());
  if (record === undefined) return fail('LICENSE_NOT_INSTALLED');
  return core.removeLocally(record);
}
