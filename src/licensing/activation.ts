/**
 * Activation: validate the key scoped to this machine, activate it when the server says so (or
 * recognise it when it already is), check out its machine file and install it.
 */
import type { Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import { MACHINE_KEY_METADATA, machineKeyDraft, registeredValue } from '../airgap/machine-key.js';
import type { ApiResource, Credentials } from '../keygen/client.types.js';
import { heartbeatOf } from './facts.js';
import { isSecretShaped, type ManagerCore } from './manager-core.js';
import type { StatusReport } from './manager.types.js';
import { asFailureCode } from './status.js';

/** Validation codes after which this machine is activated (protocol §2.2 step 2). */
const ACTIVATE_CODES: ReadonlySet<string> = new Set(['NO_MACHINE', 'NO_MACHINES', 'FINGERPRINT_SCOPE_MISMATCH']);

/** `LicenseManager.activate`: see its documentation in manager.types.ts. */
export async function activate(core: ManagerCore, licenseKey: string): Promise<Result<StatusReport>> {
  const { client, machine, secrets, log } = core;
  if (!isSecretShaped(licenseKey)) return fail('LICENSE_INVALID');
  if (!core.pinned.ok) return core.pinned;
  const described = await machine.describe();
  if (!described.ok) return described;
  const { fingerprint, hostname, platform, cores, memory, disk } = described.value;
  const loaded = await core.load();
  if (!loaded.ok) return loaded;
  // The key must be storable before a seat is taken on the server: probe the keychain first.
  const keychain = await secrets.list();
  if (!keychain.ok) return keychain;
  const validation = await client.validateKey(licenseKey, core.scopeFor(null, fingerprint));
  if (!validation.ok) return validation;
  const { valid, code, license } = validation.value;
  if (license === null) return fail(asFailureCode(code));
  const credentials: Credentials = { kind: 'license-key', key: licenseKey };
  let machineResource: ApiResource;
  // Valid with this fingerprint in scope means this machine is already activated: recognise it, never activate twice.
  if (valid || code === 'HEARTBEAT_NOT_STARTED') {
    const found = await client.machine(fingerprint, credentials);
    if (!found.ok) return found;
    machineResource = found.value;
    log(`activation: machine ${machineResource.id} already activated for license ${license.id}`);
  } else if (ACTIVATE_CODES.has(code)) {
    // The machine key's public half is registered with the machine, so that an offline
    // deactivation receipt can be checked later; the private half is kept once the server took it.
    const ownKey = await machineKeyDraft(secrets);
    if (!ownKey.ok) return ownKey;
    const metadata = { [MACHINE_KEY_METADATA]: registeredValue(ownKey.value.key.publicKey) };
    const created = await client.activate(license.id, { fingerprint, name: hostname, hostname, platform, cores, memory, ...(disk === null ? {} : { disk }), metadata }, credentials);
    if (!created.ok) return created;
    const kept = await ownKey.value.save();
    if (!kept.ok) return kept;
    machineResource = created.value;
    log(`activation: machine ${machineResource.id} activated for license ${license.id}`);
  } else {
    return fail(asFailureCode(code));
  }
  const stored = await core.checkOutAndStore(license.id, machineResource.id, licenseKey, fingerprint, 'activation');
  if (!stored.ok) return stored;
  if (heartbeatOf(machineResource).requireHeartbeat && machineResource.attributes.heartbeatStatus === 'NOT_STARTED') {
    // The server counts the machine as not started until its first heartbeat (HEARTBEAT_NOT_STARTED).
    const pinged = await client.ping(machineResource.id, credentials);
    if (!pinged.ok) log(`activation: first heartbeat failed (${pinged.code})`);
  }
  return stored;
}
