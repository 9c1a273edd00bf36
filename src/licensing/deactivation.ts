/** Deactivation of this machine: the seat is freed on the server, then the local record and key go. */
import type { Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import { ok, type ManagerCore } from './manager-core.js';

/** `LicenseManager.deactivate`: see its documentation in manager.types.ts. */
export async function deactivate(core: ManagerCore): Promise<Result<{ readonly licenseId: string; readonly machineId: string }>> {
  const access = await core.activeWithKey(core.now());
  if (!access.ok) return access;
  const { entry, credentials } = access.value;
  const machineId = entry.record.machineId;
  if (machineId === null) return fail('NOT_ACTIVATED');
  const deleted = await core.client.deactivate(machineId, credentials);
  if (!deleted.ok && deleted.code === 'ISSUER_UNREACHABLE') return fail('OFFLINE_DEACTIVATION_UNAVAILABLE');
  // Already gone on the server: the seat is free either way.
  if (!deleted.ok && deleted.code !== 'RESOURCE_NOT_FOUND') return deleted;
  const removed = await core.removeLocally(entry.record);
  if (!removed.ok) return removed;
  core.log(`deactivation: machine ${machineId} of license ${entry.record.id} deactivated`);
  return ok({ licenseId: entry.record.id, machineId });
}
