/**
 * Keeping the active license current: the status (offline first, then the server), check-in,
 * a fresh machine file, heartbeats, and the schedule the background work follows.
 */
import type { Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import { fileExpiryOf, fileIssuedOf, licenseTimesOf, maskKey, timeOf, upsert } from './facts.js';
import { ok, type ManagerCore } from './manager-core.js';
import type { StatusReport } from './manager.types.js';
import type { LicensingSchedule } from './scheduler.js';
import { failureReport, mergeOnline, notActivatedReport, pickActive } from './status.js';
import type { InstalledRecord } from './state.types.js';

/** `LicenseManager.status`: the offline verdict, confirmed online when asked and possible. */
export async function status(core: ManagerCore, options: { readonly online?: boolean } = {}): Promise<StatusReport> {
  const time = core.now();
  const evaluated = await core.evaluateAll(time);
  if (!evaluated.ok) return failureReport(evaluated.code, null);
  const active = pickActive(evaluated.value);
  if (active === null) return notActivatedReport();
  if (options.online === false || active.key === null) return active.report;
  let fingerprint: string | undefined;
  if (active.record.kind === 'machine') {
    const read = await core.machine.fingerprint();
    if (!read.ok) return active.report;
    fingerprint = read.value;
  }
  const answer = await core.statusClient.validate(active.record.id, core.scopeFor(active.record, fingerprint), { kind: 'license-key', key: active.key });
  return mergeOnline(active.report, answer, { keyHint: maskKey(active.key), lastCheckInAt: active.record.lastCheckInAt, now: core.now() });
}

/** `LicenseManager.checkIn`: checks in, records the new dates, refreshes a machine file. */
export async function checkIn(core: ManagerCore): Promise<Result<StatusReport>> {
  const access = await core.activeWithKey(core.now());
  if (!access.ok) return access;
  const { entry, credentials } = access.value;
  const checked = await core.client.checkIn(entry.record.id, credentials);
  if (!checked.ok) return checked;
  const time = core.now();
  const updated = await core.mutate((state) => {
    const record = state.licenses.find((candidate) => candidate.id === entry.record.id);
    if (record === undefined) return fail('LICENSE_NOT_INSTALLED');
    const next: InstalledRecord = {
      ...record,
      lastCheckInAt: timeOf(checked.value.attributes.lastCheckIn) ?? time,
      nextCheckInAt: timeOf(checked.value.attributes.nextCheckIn),
      updatedAt: time,
    };
    return ok({ state: upsert(state, next, time), value: next });
  });
  if (!updated.ok) return updated;
  if (updated.value.kind === 'machine') {
    const fingerprint = await core.machine.fingerprint();
    if (!fingerprint.ok) return fingerprint;
    const refreshed = await core.checkOutAndStore(entry.record.id, updated.value.machineId ?? fingerprint.value, access.value.key, fingerprint.value, updated.value.source);
    if (!refreshed.ok) return refreshed;
  }
  return ok(await status(core));
}

/** `LicenseManager.renew`: a fresh check-out of the active license's machine file. */
export async function renew(core: ManagerCore): Promise<Result<StatusReport>> {
  const access = await core.activeWithKey(core.now());
  if (!access.ok) return access;
  const { entry } = access.value;
  const fingerprint = await core.machine.fingerprint();
  if (!fingerprint.ok) return fingerprint;
  return core.checkOutAndStore(entry.record.id, entry.record.machineId ?? fingerprint.value, access.value.key, fingerprint.value, entry.record.source);
}

/** `LicenseManager.heartbeat`: pings when the active license requires heartbeats. */
export async function heartbeat(core: ManagerCore): Promise<Result<{ readonly sent: boolean }>> {
  const access = await core.activeWithKey(core.now());
  if (!access.ok) return access;
  const { entry, credentials } = access.value;
  if (!entry.record.requireHeartbeat) return ok({ sent: false });
  let target = entry.record.machineId;
  if (target === null) {
    const fingerprint = await core.machine.fingerprint();
    if (!fingerprint.ok) return fingerprint;
    target = fingerprint.value;
  }
  const pinged = await core.client.ping(target, credentials);
  return pinged.ok ? ok({ sent: true }) : pinged;
}

/** When the background work should next check in, renew and ping; null when nothing is active. */
export async function schedule(core: ManagerCore): Promise<LicensingSchedule | null> {
  const evaluated = await core.evaluateAll(core.now());
  if (!evaluated.ok) return null;
  const entry = pickActive(evaluated.value);
  if (entry === null) return null;
  const { record, file, report } = entry;
  const times = file === null ? null : licenseTimesOf(file);
  return {
    checkInAt: record.nextCheckInAt ?? times?.nextCheckIn ?? null,
    renewable: record.machineId !== null && entry.key !== null,
    fileIssuedAt: file === null ? null : fileIssuedOf(file),
    fileExpiresAt: file === null ? null : fileExpiryOf(file),
    fileUnusable: report.code === 'LICENSE_FILE_EXPIRED',
    heartbeatSeconds: record.requireHeartbeat ? (record.heartbeatDuration ?? 600) : null,
  };
}
