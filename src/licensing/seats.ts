/**
 * A license's seats (its machines) for the people who manage them: who may see them (the active
 * license's own key, a license key, or an admin/product token), a page of them, and freeing
 * several at once with the bulk engine of `src/admin/`.
 */
import type { FailureCode, Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import { runBulkDeactivation } from '../admin/bulk-deactivation.js';
import { seatOf } from '../admin/seat-row.js';
import type { Credentials, Paced, PacedDeactivation } from '../keygen/client.types.js';
import { isSecretShaped, ok } from './manager-core.js';
import type { ManagerCore } from './manager-core.types.js';
import type { BulkOutcome, Paged, Seat, SeatAccessGrant, SeatCredentials } from './manager.types.js';
import { asFailureCode } from './status.js';

const DEFAULT_PAGE = 20;
const MAX_PAGE = 100;
/** The plain client waits out short 429s itself; this many requests in flight at most. */
const PLAIN_CONCURRENCY = 4;

/** Seat credentials as API credentials and the license they are about (looked up for a license key). */
async function resolveAccess(core: ManagerCore, credentials: SeatCredentials, needLicenseId: boolean): Promise<Result<{ readonly credentials: Credentials; readonly licenseId: string | null }>> {
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

async function thisFingerprint(core: ManagerCore): Promise<string | null> {
  const fingerprint = await core.machine.fingerprint();
  return fingerprint.ok ? fingerprint.value : null;
}

/** `LicenseManager.seatAccess`. */
export async function seatAccess(core: ManagerCore, credentials: SeatCredentials): Promise<Result<SeatAccessGrant>> {
  const access = await resolveAccess(core, credentials, true);
  if (!access.ok) return access;
  return ok({ credentials: access.value.credentials, licenseId: access.value.licenseId as string, fingerprint: await thisFingerprint(core) });
}

/** `LicenseManager.seats`: a page of the license's machines, this one marked. */
export async function seats(core: ManagerCore, credentials: SeatCredentials, page: { readonly number?: number; readonly size?: number } = {}): Promise<Result<Paged<Seat>>> {
  const access = await resolveAccess(core, credentials, true);
  if (!access.ok) return access;
  const number = Math.max(1, Math.floor(page.number ?? 1) || 1);
  const size = Math.min(MAX_PAGE, Math.max(1, Math.floor(page.size ?? DEFAULT_PAGE) || DEFAULT_PAGE));
  const listed = await core.client.licenseMachines(access.value.licenseId as string, { number, size }, access.value.credentials);
  if (!listed.ok) return listed;
  const current = await thisFingerprint(core);
  return ok({
    data: listed.value.data.map((seat) => seatOf(seat, current)),
    next: listed.value.next === null ? null : String(listed.value.next),
    total: listed.value.total ?? null,
  } satisfies Paged<Seat>);
}

/** The plain client's deactivation in the engine's terms: it has already waited out what 429s it could. */
function plainDeactivation(core: ManagerCore, credentials: Credentials): (id: string) => Promise<Paced<PacedDeactivation>> {
  const hint = { limit: null, remaining: null, resetAtMs: null, retryAfterMs: null };
  return async (id) => {
    // An empty id names no machine: refused here, never taken for one already gone.
    if (id === '') return { outcome: { kind: 'failed', failure: fail('RESOURCE_NOT_FOUND') }, hint };
    const result = await core.client.deactivate(id, credentials);
    if (result.ok) return { outcome: { kind: 'deactivated' }, hint };
    const code: FailureCode = result.code;
    if (code === 'RESOURCE_NOT_FOUND') return { outcome: { kind: 'gone' }, hint };
    if (code === 'ISSUER_RATE_LIMITED') return { outcome: { kind: 'rate-limited' }, hint };
    return { outcome: { kind: 'failed', failure: result }, hint };
  };
}

/** `LicenseManager.deactivateSeats`: frees the seats a few at a time; one already gone counts as done. */
export async function deactivateSeats(
  core: ManagerCore,
  credentials: SeatCredentials,
  ids: readonly string[],
  onProgress?: (done: number, total: number) => void,
): Promise<Result<BulkOutcome>> {
  const access = await resolveAccess(core, credentials, false);
  if (!access.ok) return access;
  // The older report says "done of total" once per seat settled, not at every wait.
  let reported = 0;
  const outcome = await runBulkDeactivation({
    ids: ids.map((id) => String(id)),
    deactivate: plainDeactivation(core, access.value.credentials),
    pacer: { initialConcurrency: PLAIN_CONCURRENCY, maxConcurrency: PLAIN_CONCURRENCY },
    ...(onProgress === undefined
      ? {}
      : {
          onProgress: (pace) => {
            const done = pace.deactivated + pace.alreadyGone + pace.failed;
            if (done === reported) return;
            reported = done;
            onProgress(done, pace.total);
          },
        }),
  });
  await seatsDeactivated(core, [...outcome.deactivated, ...outcome.alreadyGone]);
  return ok(outcome);
}

/** `LicenseManager.seatsDeactivated`: a seat freed may be this machine's own, whose local record then stands for nothing. */
export async function seatsDeactivated(core: ManagerCore, machineIds: readonly string[]): Promise<void> {
  if (machineIds.length === 0) return;
  const freed = new Set(machineIds);
  const loaded = await core.load();
  if (!loaded.ok) return;
  for (const record of loaded.value.licenses) {
    if (record.machineId !== null && freed.has(record.machineId)) {
      const removed = await core.removeLocally(record);
      if (!removed.ok) core.log(`seats: local record of license ${record.id} not removed (${removed.code})`);
    }
  }
}
