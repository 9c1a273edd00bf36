/** A license's seats (its machines) for the people who manage them: list, and free in bulk. */
import type { FailureCode, Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import type { Credentials } from '../keygen/client.types.js';
import { toSeat } from './facts.js';
import { isSecretShaped, ok, type ManagerCore } from './manager-core.js';
import type { BulkOutcome, Paged, Seat, SeatCredentials } from './manager.types.js';
import { asFailureCode } from './status.js';

const DEFAULT_PAGE = 20;
const MAX_PAGE = 100;

/** Seat credentials as API credentials and the license they are about (looked up for a license key). */
async function seatAccess(core: ManagerCore, credentials: SeatCredentials, needLicenseId: boolean): Promise<Result<{ readonly credentials: Credentials; readonly licenseId: string | null }>> {
  if ('activeLicense' in credentials) {
    const evaluated = await core.evaluate();
    const active = evaluated.ok ? evaluated.value.active : null;
    if (active === null) return fail('NOT_ACTIVATED');
    // A license imported without its key cannot speak for itself: an administrator must.
    if (active.key === null) return fail('ADMIN_CREDENTIALS_REQUIRED');
    return ok({ credentials: { kind: 'license-key', key: active.key }, licenseId: active.record.id });
  }
  if ('adminToken' in credentials) {
    if (!isSecretShaped(credentials.adminToken) || typeof credentials.licenseId !== 'string' || credentials.licenseId === '') return fail('ADMIN_CREDENTIALS_REQUIRED');
    return ok({ credentials: { kind: 'token', token: credentials.adminToken }, licenseId: credentials.licenseId });
  }
  if (!isSecretShaped(credentials.licenseKey)) return fail('ADMIN_CREDENTIALS_REQUIRED');
  const access: Credentials = { kind: 'license-key', key: credentials.licenseKey };
  if (!needLicenseId) return ok({ credentials: access, licenseId: null });
  // An installed license with this key answers without a request.
  const loaded = await core.load();
  if (loaded.ok) {
    for (const record of loaded.value.licenses) {
      if (record.licenseKeyRef === null) continue;
      const stored = await core.secrets.get(record.licenseKeyRef);
      if (stored.ok && stored.value === credentials.licenseKey) return ok({ credentials: access, licenseId: record.id });
    }
  }
  const validation = await core.client.validateKey(credentials.licenseKey, {});
  if (!validation.ok) return validation;
  if (validation.value.license === null) return fail(asFailureCode(validation.value.code));
  return ok({ credentials: access, licenseId: validation.value.license.id });
}

/** `LicenseManager.seats`: a page of the license's machines, this one marked. */
export async function seats(core: ManagerCore, credentials: SeatCredentials, page: { readonly number?: number; readonly size?: number } = {}): Promise<Result<Paged<Seat>>> {
  const access = await seatAccess(core, credentials, true);
  if (!access.ok) return access;
  const number = Math.max(1, Math.floor(page.number ?? 1) || 1);
  const size = Math.min(MAX_PAGE, Math.max(1, Math.floor(page.size ?? DEFAULT_PAGE) || DEFAULT_PAGE));
  const listed = await core.client.licenseMachines(access.value.licenseId as string, { number, size }, access.value.credentials);
  if (!listed.ok) return listed;
  const fingerprint = await core.machine.fingerprint();
  const current = fingerprint.ok ? fingerprint.value : null;
  return ok({ data: listed.value.data.map((seat) => toSeat(seat, current)), next: listed.value.next === null ? null : String(listed.value.next) } satisfies Paged<Seat>);
}

/** `LicenseManager.deactivateSeats`: frees each seat on its own, reporting progress. */
export async function deactivateSeats(
  core: ManagerCore,
  credentials: SeatCredentials,
  ids: readonly string[],
  onProgress?: (done: number, total: number) => void,
): Promise<Result<BulkOutcome>> {
  const access = await seatAccess(core, credentials, false);
  if (!access.ok) return access;
  const unique = [...new Set(ids.map((id) => String(id)))];
  const deactivated: string[] = [];
  const failed: { id: string; code: FailureCode; message: string }[] = [];
  for (const [index, id] of unique.entries()) {
    const result = id === '' ? fail('RESOURCE_NOT_FOUND') : await core.client.deactivate(id, access.value.credentials);
    if (result.ok) deactivated.push(id);
    else failed.push({ id, code: result.code, message: result.message });
    onProgress?.(index + 1, unique.length);
  }
  // A seat freed here may be this machine's own: its local record no longer stands for a seat.
  const loaded = await core.load();
  if (loaded.ok) {
    for (const record of loaded.value.licenses) {
      if (record.machineId !== null && deactivated.includes(record.machineId)) {
        const removed = await core.removeLocally(record);
        if (!removed.ok) core.log(`seats: local record of license ${record.id} not removed (${removed.code})`);
      }
    }
  }
  return ok({ deactivated, failed } satisfies BulkOutcome);
}
