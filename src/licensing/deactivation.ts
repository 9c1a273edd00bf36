/**
 * Deactivation, safe to interrupt. Local first: the license is marked "deactivating" (it stops
 * counting as licensed at once), then its seat is freed on the server, then the record and key
 * are removed. A crash or an unreachable server between the steps leaves the mark, and the next
 * run (or the scheduler) finishes the job; the machine is never licensed here with its seat
 * already freed.
 */
import type { Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import type { Credentials } from '../keygen/client.types.js';
import { ok } from './manager-core.js';
import type { ManagerCore } from './manager-core.types.js';
import { serverSaidNothing } from './status.js';
import type { InstalledRecord } from './state.types.js';

/** Frees the seat of a record marked "deactivating", then removes it; DEACTIVATION_INCOMPLETE while the server cannot be reached. */
async function finish(core: ManagerCore, record: InstalledRecord): Promise<Result<{ readonly licenseId: string; readonly machineId: string }>> {
  const machineId = record.machineId as string;
  if (record.licenseKeyRef === null) return fail('LICENSE_KEY_REQUIRED');
  const key = await core.secrets.get(record.licenseKeyRef);
  if (!key.ok) return key;
  if (key.value === null) return fail('LICENSE_KEY_REQUIRED');
  const credentials: Credentials = { kind: 'license-key', key: key.value };
  const deleted = await core.client.deactivate(machineId, credentials);
  // The server said nothing (not reached, something else answered): the seat's fate is for the next run.
  if (!deleted.ok && serverSaidNothing(deleted.code)) return fail('DEACTIVATION_INCOMPLETE');
  // Already gone on the server (404): the seat is free either way.
  if (!deleted.ok && deleted.code !== 'RESOURCE_NOT_FOUND') return deleted;
  const removed = await core.removeLocally(record);
  if (!removed.ok) return removed;
  // Keys an earlier run left behind (a crash between removing a record and its key).
  await core.cleanOrphanKeys();
  core.log(`deactivation: machine ${machineId} of license ${record.id} deactivated`);
  return ok({ licenseId: record.id, machineId });
}

/** `LicenseManager.deactivate`: see its documentation in manager.types.ts. */
export async function deactivate(core: ManagerCore): Promise<Result<{ readonly licenseId: string; readonly machineId: string }>> {
  const loaded = await core.load();
  if (!loaded.ok) return loaded;
  // A deactivation interrupted earlier is finished first: it is the one the person asked for.
  const interrupted = loaded.value.licenses.find((record) => record.deactivating !== null && record.machineId !== null);
  if (interrupted !== undefined) return finish(core, interrupted);
  const access = await core.activeWithKey();
  if (!access.ok) {
    // Nothing left to deactivate, but maybe a key: an earlier run killed between forgetting the record and its key.
    await core.cleanOrphanKeys();
    return access;
  }
  const { entry } = access.value;
  if (entry.record.machineId === null) return fail('NOT_ACTIVATED');
  const marked = await core.update((state) => {
    const record = state.licenses.find((candidate) => candidate.id === entry.record.id);
    if (record === undefined) return fail('LICENSE_NOT_INSTALLED');
    const next: InstalledRecord = { ...record, deactivating: core.clock.now() };
    return ok({ state: { ...state, licenses: state.licenses.map((candidate) => (candidate.id === record.id ? next : candidate)) }, value: next });
  });
  if (!marked.ok) return marked;
  return finish(core, marked.value);
}

/** Finishes every deactivation an earlier run left in flight (best effort, for the scheduler). */
export async function resolvePendingDeactivations(core: ManagerCore): Promise<void> {
  const loaded = await core.load();
  if (!loaded.ok) return;
  for (const record of loaded.value.licenses) {
    if (record.deactivating !== null && record.machineId !== null) {
      const finished = await finish(core, record);
      if (!finished.ok) core.log(`deactivation: license ${record.id} still to finish (${finished.code})`);
    }
  }
}
