/**
 * Keeping the active license current: the status (offline first, then the server), check-in,
 * a fresh machine file, heartbeats, and the schedule the background work follows. The server's
 * answers are kept as evidence (a refusal outranks older files; a check-in moves the deadline).
 */
import type { Result } from '../contract/codes.js';
import type { ClientFailure, ValidationScope } from '../keygen/client.types.js';
import { resolvePendingActivations } from './activation.js';
import { checkOutAndInstall } from './checkout-install.js';
import { resolvePendingDeactivations } from './deactivation.js';
import { fileExpiryOf, fileIssuedOf, heartbeatOf, maskKey, timeOf } from './facts.js';
import { activeReport, ok } from './manager-core.js';
import type { ManagerCore } from './manager-core.types.js';
import type { StatusReport, StatusWarning } from './manager.types.js';
import type { LicensingSchedule } from './scheduler.js';
import { failureReport, mergeOnline, type Evaluated } from './status.js';
import { clockWarning, withSummary } from './verdict.js';

/**
 * The scope a license is validated with online. A machine install names this machine; so does a
 * license file, unless the vendor lets it stand for any machine (a license without a machine
 * limit, or `licenseFiles: "always"`): otherwise one license file would license every machine.
 */
export function onlineScope(core: ManagerCore, entry: Evaluated, fingerprint: string | undefined): ValidationScope {
  if (entry.record.kind === 'machine') return core.scopeFor(fingerprint);
  const maxMachines = entry.file?.license?.attributes.maxMachines;
  const standsForAny = core.terms.licenseFiles === 'always' || maxMachines === null;
  return core.scopeFor(standsForAny ? undefined : fingerprint);
}

/** `LicenseManager.status`: the offline verdict, confirmed online when asked and possible. */
export async function status(core: ManagerCore, options: { readonly online?: boolean } = {}): Promise<StatusReport> {
  const evaluated = await core.evaluate();
  if (!evaluated.ok) return failureReport(evaluated.code);
  const offline = activeReport(evaluated.value);
  const active = evaluated.value.active;
  if (active === null || options.online === false || active.key === null || active.record.deactivating !== null) return offline;
  const read = await core.machine.fingerprint();
  const fingerprint = read.ok ? read.value : undefined;
  if (active.record.kind === 'machine' && fingerprint === undefined) return offline;
  const answer = await core.statusClient.validate(active.record.id, onlineScope(core, active, fingerprint), { kind: 'license-key', key: active.key });
  const warnings: StatusWarning[] = [];
  if (answer.ok) {
    const kept = await core.keepAnswer(active.record.id, answer.value.answer, { fresh: true });
    if (kept !== null) warnings.push(kept);
    const skew = clockWarning(core.clock.local(), answer.value.serverTime, core.terms.clockToleranceMs);
    if (skew !== null) warnings.push(skew);
  } else {
    const refusal = (answer as ClientFailure).answer;
    if (refusal !== undefined) {
      const kept = await core.keepAnswer(active.record.id, refusal);
      if (kept !== null) warnings.push(kept);
    }
  }
  const merged = mergeOnline(offline, answer, { keyHint: maskKey(active.key), now: core.clock.now() });
  return withSummary({ ...merged, warnings: [...merged.warnings, ...warnings] });
}

/** `LicenseManager.checkIn`: checks in, keeps the signed answer (the new deadline), refreshes a machine file. */
export async function checkIn(core: ManagerCore): Promise<Result<StatusReport>> {
  const access = await core.activeWithKey();
  if (!access.ok) return access;
  const { entry, credentials } = access.value;
  const checked = await core.client.checkIn(entry.record.id, credentials);
  if (!checked.ok) {
    const refusal = (checked as ClientFailure).answer;
    if (refusal !== undefined) await core.keepAnswer(entry.record.id, refusal);
    return checked;
  }
  await core.keepAnswer(entry.record.id, checked.value.answer);
  if (entry.record.kind === 'machine') {
    // The machine file carries the check-in dates offline: a fresh one after each check-in.
    const refreshed = await renew(core);
    if (!refreshed.ok) return refreshed;
  }
  // The check-in was the server's word just now: the report says so.
  const report = await status(core, { online: false });
  return ok(report.licensed ? withSummary({ ...report, source: 'online' }) : report);
}

/** `LicenseManager.renew`: a fresh check-out of the active license's machine file. */
export async function renew(core: ManagerCore): Promise<Result<StatusReport>> {
  const access = await core.activeWithKey();
  if (!access.ok) return access;
  const { entry } = access.value;
  const fingerprint = await core.machine.fingerprint();
  if (!fingerprint.ok) return fingerprint;
  return checkOutAndInstall(core, {
    licenseId: entry.record.id,
    machineRef: entry.record.machineId ?? fingerprint.value,
    licenseKey: access.value.key,
    fingerprint: fingerprint.value,
    source: entry.record.source,
    choose: false,
  });
}

/**
 * `LicenseManager.heartbeat`: pings when the active license requires heartbeats (no-op
 * otherwise). A 404 means the server no longer has this machine (culled, or deactivated): the
 * signed answer is kept, so this machine stops counting as licensed, and MACHINE_DEACTIVATED
 * tells the caller to stop pinging and offer activation again.
 */
export async function heartbeat(core: ManagerCore): Promise<Result<{ readonly sent: boolean }>> {
  const access = await core.activeWithKey();
  if (!access.ok) return access;
  const { entry, credentials } = access.value;
  if (!heartbeatOf(entry.file?.machine ?? null).requireHeartbeat) return ok({ sent: false });
  let target = entry.record.machineId;
  if (target === null) {
    const fingerprint = await core.machine.fingerprint();
    if (!fingerprint.ok) return fingerprint;
    target = fingerprint.value;
  }
  const pinged = await core.client.ping(target, credentials);
  if (pinged.ok) return ok({ sent: true });
  const refusal = (pinged as ClientFailure).answer;
  if (refusal !== undefined) {
    await core.keepAnswer(entry.record.id, refusal);
    if (refusal.status === 404) return { ...pinged, code: 'MACHINE_DEACTIVATED', message: 'The licensing server no longer knows this machine.' };
  }
  return pinged;
}

/** When the background work should next check in, renew and ping; null when nothing is active. Also finishes work an earlier run left in flight. */
export async function schedule(core: ManagerCore): Promise<LicensingSchedule | null> {
  await resolvePendingDeactivations(core);
  await resolvePendingActivations(core);
  // A key whose record a crash removed before the key itself (or an import that stopped half-way).
  await core.cleanOrphanKeys();
  const evaluated = await core.evaluate();
  if (!evaluated.ok) return null;
  const entry = evaluated.value.active;
  if (entry === null) return null;
  const { record, file, report } = entry;
  const heartbeats = heartbeatOf(file?.machine ?? null);
  return {
    checkInAt: timeOf(report.nextCheckIn),
    renewable: record.machineId !== null && entry.key !== null,
    fileIssuedAt: file === null ? null : fileIssuedOf(file),
    fileExpiresAt: file === null ? null : fileExpiryOf(file),
    fileUnusable: report.code === 'LICENSE_FILE_EXPIRED',
    heartbeatSeconds: heartbeats.requireHeartbeat ? (heartbeats.heartbeatDuration ?? 600) : null,
    machineGone: report.code === 'MACHINE_DEACTIVATED',
  };
}
