/**
 * Activation, all or nothing. A local "activating" record is written before the seat is taken
 * on the server, and the license key is stored before it too; the machine file is checked out
 * with retries; if the machine cannot be completed, the seat this run took is released, or,
 * when the server cannot be reached, the record lets the next run finish or release it. So a
 * crash at any instant leaves no seat without a local record, and never a licensed machine
 * without a seat.
 */
import type { Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import { MACHINE_KEY_METADATA, machineKeyDraft, registeredValue } from '../airgap/machine-key.js';
import type { ApiResource, Credentials } from '../keygen/client.types.js';
import type { SecretStore } from '../vault/secret-store.js';
import { checkOutAndInstall } from './checkout-install.js';
import { heartbeatOf } from './facts.js';
import { isSecretShaped, keyRef, ok } from './manager-core.js';
import type { ManagerCore } from './manager-core.types.js';
import type { StatusReport } from './manager.types.js';
import type { PendingActivation } from './state.types.js';
import { asFailureCode, serverSaidNothing } from './status.js';

/** Validation codes after which this machine is activated (protocol §2.2 step 2). */
const ACTIVATE_CODES: ReadonlySet<string> = new Set(['NO_MACHINE', 'NO_MACHINES', 'FINGERPRINT_SCOPE_MISMATCH']);
/** The secret-store account used to prove, before a seat is taken, that a key can be stored. */
const PROBE_ACCOUNT = 'probe';

/**
 * Proves the secret store can keep a key: a write, a read back and a delete. A locked keychain
 * still lists its entries, so listing proves nothing. Fails with the store's code.
 */
export async function probeSecrets(secrets: SecretStore): Promise<Result<void>> {
  const token = `probe-${Date.now().toString(36)}`;
  const written = await secrets.set(PROBE_ACCOUNT, token);
  if (!written.ok) return written;
  const read = await secrets.get(PROBE_ACCOUNT);
  if (!read.ok) return read;
  const removed = await secrets.delete(PROBE_ACCOUNT);
  if (!removed.ok) return removed;
  return read.value === token ? ok(undefined) : fail('KEYCHAIN_UNAVAILABLE');
}

/** Writes, replaces or removes the pending record of `licenseId`. */
function journal(core: ManagerCore, licenseId: string, pending: PendingActivation | null): Promise<Result<void>> {
  return core.update((state) => {
    const others = state.activations.filter((entry) => entry.licenseId !== licenseId);
    return ok({ state: { ...state, activations: pending === null ? others : [...others, pending] }, value: undefined });
  });
}

/**
 * After a failed check-out: releases the seat this activation created, then forgets the
 * pending record; when the release cannot reach the server either, the record stays for the
 * next run and the answer is ACTIVATION_INCOMPLETE.
 */
async function giveUp(core: ManagerCore, pending: PendingActivation, credentials: Credentials, failure: Result<never>): Promise<Result<never>> {
  if (pending.machineId !== null && pending.created) {
    const released = await core.client.deactivate(pending.machineId, credentials);
    if (!released.ok && released.code !== 'RESOURCE_NOT_FOUND') {
      core.log(`activation: seat ${pending.machineId} kept for the next run (${released.code})`);
      return fail('ACTIVATION_INCOMPLETE');
    }
    core.log(`activation: seat ${pending.machineId} released after a failed check-out`);
  }
  await journal(core, pending.licenseId, null);
  // The key stored before the seat was taken belongs to no record now.
  await core.cleanOrphanKeys();
  return failure;
}

/** Finishes the activation of one pending record: checks its machine file out, or releases its seat. */
async function finishPending(core: ManagerCore, pending: PendingActivation, fingerprint: string): Promise<void> {
  const key = await core.secrets.get(pending.licenseKeyRef);
  if (!key.ok) return;
  if (key.value === null) {
    await journal(core, pending.licenseId, null);
    return;
  }
  const credentials: Credentials = { kind: 'license-key', key: key.value };
  let machineId = pending.machineId;
  if (machineId === null) {
    // The crash came before the server answered: it says whether the machine exists.
    const found = await core.client.machine(fingerprint, credentials);
    if (!found.ok) {
      if (!serverSaidNothing(found.code)) await journal(core, pending.licenseId, null);
      return;
    }
    machineId = found.value.id;
  }
  const installed = await checkOutAndInstall(core, { licenseId: pending.licenseId, machineRef: machineId, licenseKey: key.value, fingerprint, source: 'activation', choose: true });
  if (installed.ok) {
    core.log(`activation: finished the activation of license ${pending.licenseId} left by an earlier run`);
    return;
  }
  if (!serverSaidNothing(installed.code)) await giveUp(core, { ...pending, machineId }, credentials, installed);
}

/** Finishes or releases every activation an earlier run left in flight (best effort, for `activate` and the scheduler). */
export async function resolvePendingActivations(core: ManagerCore): Promise<void> {
  const loaded = await core.load();
  if (!loaded.ok || loaded.value.activations.length === 0) return;
  const fingerprint = await core.machine.fingerprint();
  if (!fingerprint.ok) return;
  for (const pending of loaded.value.activations) {
    if (pending.fingerprint === fingerprint.value) await finishPending(core, pending, fingerprint.value);
  }
}

/** `LicenseManager.activate`: see its documentation in manager.types.ts. */
export async function activate(core: ManagerCore, licenseKey: string): Promise<Result<StatusReport>> {
  const { client, machine, log } = core;
  if (!isSecretShaped(licenseKey)) return fail('LICENSE_INVALID');
  if (!core.pinned.ok) return core.pinned;
  const described = await machine.describe();
  if (!described.ok) return described;
  const { fingerprint, hostname, platform, cores, memory, disk } = described.value;
  const loaded = await core.load();
  if (!loaded.ok) return loaded;
  // Before any seat is taken: the key can be stored, and the state can be written.
  const probed = await probeSecrets(core.secrets);
  if (!probed.ok) return probed;
  await resolvePendingActivations(core);

  const validation = await client.validateKey(licenseKey, core.scopeFor(fingerprint));
  if (!validation.ok) return validation;
  const { valid, code, license } = validation.value;
  if (license === null) return fail(asFailureCode(code));
  await core.keepAnswer(license.id, validation.value.answer, { fresh: true });
  const recognise = valid || code === 'HEARTBEAT_NOT_STARTED';
  if (!recognise && !ACTIVATE_CODES.has(code)) return fail(asFailureCode(code));

  // This machine's own key (for offline deactivation receipts) is registered with the machine it
  // creates: stored before any seat is taken, so that a crash never leaves a registered key lost.
  let machineKeyMetadata: Record<string, string> | undefined;
  if (!recognise) {
    const ownKey = await machineKeyDraft(core.secrets);
    if (!ownKey.ok) return ownKey;
    const saved = await ownKey.value.save();
    if (!saved.ok) return saved;
    machineKeyMetadata = { [MACHINE_KEY_METADATA]: registeredValue(ownKey.value.key.publicKey) };
  }

  const credentials: Credentials = { kind: 'license-key', key: licenseKey };
  let pending: PendingActivation = { licenseId: license.id, fingerprint, licenseKeyRef: keyRef(license.id), machineId: null, created: !recognise, startedAt: core.clock.now() };
  const journaled = await journal(core, license.id, pending);
  if (!journaled.ok) return journaled;
  const keptKey = await core.secrets.set(pending.licenseKeyRef, licenseKey);
  if (!keptKey.ok) {
    await journal(core, license.id, null);
    return keptKey;
  }

  let machineResource: ApiResource;
  if (recognise) {
    // Valid with this fingerprint in scope: this machine is already activated; recognise it, never activate twice.
    const found = await client.machine(fingerprint, credentials);
    if (!found.ok) return serverSaidNothing(found.code) ? found : giveUp(core, pending, credentials, found);
    machineResource = found.value;
    log(`activation: machine ${machineResource.id} already activated for license ${license.id}`);
  } else {
    const created = await client.activate(license.id, { fingerprint, name: hostname, hostname, platform, cores, memory, ...(disk === null ? {} : { disk }), ...(machineKeyMetadata === undefined ? {} : { metadata: machineKeyMetadata }) }, credentials);
    // Not sent, or no answer: the seat may exist; the pending record lets the next run find out.
    if (!created.ok) return serverSaidNothing(created.code) ? created : giveUp(core, pending, credentials, created);
    machineResource = created.value;
    log(`activation: machine ${machineResource.id} activated for license ${license.id}`);
  }
  pending = { ...pending, machineId: machineResource.id, created: !recognise };
  await journal(core, license.id, pending);

  const installed = await checkOutAndInstall(core, { licenseId: license.id, machineRef: machineResource.id, licenseKey, fingerprint, source: 'activation', choose: true });
  if (!installed.ok) return giveUp(core, pending, credentials, installed);
  if (heartbeatOf(machineResource).requireHeartbeat && machineResource.attributes.heartbeatStatus === 'NOT_STARTED') {
    // The server counts the machine as not started until its first heartbeat (HEARTBEAT_NOT_STARTED).
    const pinged = await client.ping(machineResource.id, credentials);
    if (!pinged.ok) log(`activation: first heartbeat failed (${pinged.code})`);
  }
  await core.cleanOrphanKeys();
  return installed;
}
