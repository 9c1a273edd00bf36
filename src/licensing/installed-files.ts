/**
 * Files installed by hand (air-gapped machines) and the list of installed licenses: import,
 * list, show, label and choose, remove. An import is refused, leaving what is installed as it
 * was, when the file may not license this machine (the vendor's terms), is for another machine,
 * or was issued before the file already installed for its license.
 */
import type { Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import { verifyCertificateSignature, verifyLicenseFile } from '../license-file/verify.js';
import { installedIssued } from './checkout-install.js';
import { fileIssuedOf, licenseIdOf, recordFor, upsert } from './facts.js';
import { isSecretShaped, keyRef, ok } from './manager-core.js';
import type { ManagerCore } from './manager-core.types.js';
import type { InstalledLicense, Paged } from './manager.types.js';
import { toInstalled } from './status.js';
import type { InstalledRecord } from './state.types.js';
import { termsFailure } from './verdict.js';

const MAX_LABEL_LENGTH = 200;
const DEFAULT_PAGE = 20;
const MAX_PAGE = 100;

/** `LicenseManager.importFile`: verifies a license or machine file, then installs it (its key to the secret store). */
export async function importFile(core: ManagerCore, certificate: string, options: { readonly licenseKey?: string } = {}): Promise<Result<InstalledLicense>> {
  if (!core.pinned.ok) return core.pinned;
  if (typeof certificate !== 'string') return fail('LICENSE_FILE_MALFORMED');
  const given = options.licenseKey ?? null;
  if (given !== null && !isSecretShaped(given)) return fail('LICENSE_INVALID');
  const envelope = verifyCertificateSignature(certificate, core.pinned.value);
  if (!envelope.ok) return envelope;
  if (envelope.value.encrypted && given === null) return fail('LICENSE_KEY_REQUIRED');
  let fingerprint: string | undefined;
  if (envelope.value.kind === 'machine') {
    const read = await core.machine.fingerprint();
    if (!read.ok) return read;
    fingerprint = read.value;
  }
  const time = core.clock.now();
  const verified = verifyLicenseFile(certificate, core.pinned.value, { licenseKey: given, fingerprint, now: time, maxClockDriftMs: core.terms.clockToleranceMs });
  if (!verified.ok) return verified;
  const file = verified.value;
  const id = licenseIdOf(file);
  if (id === null) return fail('LICENSE_FILE_MALFORMED');
  const refused = termsFailure(file, core.terms);
  if (refused !== null) return fail(refused);
  const keyInFile = file.license?.attributes.key;
  // An unencrypted file names its key: a different one given beside it belongs to another license.
  if (given !== null && typeof keyInFile === 'string' && keyInFile !== given) return fail('LICENSE_INVALID');
  const licenseKey = given ?? (typeof keyInFile === 'string' && isSecretShaped(keyInFile) ? keyInFile : null);
  const previous = await installedIssued(core, id);
  if (previous !== null && (fileIssuedOf(file) ?? 0) < previous) return fail('CERTIFICATE_OLDER_THAN_INSTALLED');
  // No key in plain text on disk: an unencrypted file is kept sealed, its key in the secret store.
  const stored = await core.storable(certificate, file);
  if (!stored.ok) return stored;
  if (licenseKey !== null) {
    const kept = await core.secrets.set(keyRef(id), licenseKey);
    if (!kept.ok) return kept;
  }
  const saved = await core.update((state) => {
    const before = state.licenses.find((entry) => entry.id === id);
    const ref = licenseKey !== null ? keyRef(id) : (before?.licenseKeyRef ?? null);
    let record = recordFor(id, stored.value, file, 'import', ref, before, time);
    // The first license installed is the active one; another never takes over silently.
    if (state.licenses.every((entry) => entry.id === id)) record = { ...record, pinned: true };
    return ok({ state: upsert(state, record), value: undefined });
  });
  if (!saved.ok) return saved;
  core.log(`import: license ${id} installed from a ${file.kind} file`);
  return core.getInstalled(id);
}

/** `LicenseManager.installed`: installed licenses in install order, a page at a time. */
export async function installed(core: ManagerCore, page: { readonly after?: string; readonly limit?: number } = {}): Promise<Result<Paged<InstalledLicense>>> {
  const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(page.limit ?? DEFAULT_PAGE) || DEFAULT_PAGE));
  const evaluated = await core.evaluate();
  if (!evaluated.ok) return evaluated;
  const entries = [...evaluated.value.entries].sort((a, b) => a.record.installedAt - b.record.installedAt || a.record.id.localeCompare(b.record.id));
  let start = 0;
  if (page.after !== undefined) {
    const index = entries.findIndex((entry) => entry.record.id === page.after?.toLowerCase());
    if (index < 0) return ok({ data: [], next: null });
    start = index + 1;
  }
  const slice = entries.slice(start, start + limit);
  const last = slice[slice.length - 1];
  const next = last !== undefined && start + limit < entries.length ? last.record.id : null;
  return ok({ data: slice.map((entry) => toInstalled(entry, evaluated.value.active)), next });
}

/** `LicenseManager.update`: a person's label, and the choice of the active license (one at most). */
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
  const time = core.clock.now();
  const updated = await core.update((state) => {
    const record = state.licenses.find((entry) => entry.id === wanted);
    if (record === undefined) return fail('LICENSE_NOT_INSTALLED');
    const changed: InstalledRecord = {
      ...record,
      ...(label === undefined ? {} : { label: label === null || label.trim() === '' ? null : label.trim() }),
      ...(changes.pinned === undefined ? {} : { pinned: changes.pinned }),
      updatedAt: time,
    };
    // One choice at most: choosing a license unchooses the others.
    const licenses = state.licenses.map((entry) => (entry.id === wanted ? changed : changes.pinned === true && entry.pinned ? { ...entry, pinned: false } : entry));
    return ok({ state: { ...state, licenses }, value: undefined });
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
  const removed = await core.removeLocally(record);
  if (removed.ok) await core.cleanOrphanKeys();
  return removed;
}

/** `LicenseManager.dismissNotices`: forgets the set-aside notices. */
export function dismissNotices(core: ManagerCore): Promise<Result<void>> {
  return core.update((state) => ok({ state: { ...state, setAside: [] }, value: undefined }));
}
