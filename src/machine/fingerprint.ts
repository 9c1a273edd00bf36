import { createHmac } from 'node:crypto';
import { hostname } from 'node:os';
import nodeMachineId from 'node-machine-id';
import type { Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';

/** The fixed string the machine id is keyed over: fingerprints are scoped to this app. */
export const FINGERPRINT_APP_ID = 'tessera';

/** Where the raw OS machine id comes from; tests swap in a fake. */
export interface MachineIdSource {
  /** The OS machine id, unhashed; rejects when it cannot be read. */
  read(): Promise<string>;
}

/**
 * The OS machine id through `node-machine-id` (`/etc/machine-id`, `IOPlatformUUID`, `MachineGuid`).
 * Rejects when the id cannot be read, including when the package fell back to the hostname.
 */
export const osMachineIdSource: MachineIdSource = {
  async read() {
    // `true` asks for the original id; the package's default is its own unkeyed SHA-256.
    const id = await nodeMachineId.machineId(true);
    // On Linux the package runs `cat /var/lib/dbus/machine-id /etc/machine-id || hostname`:
    // a hostname is neither unique nor stable, so it does not count as a machine id.
    if (process.platform === 'linux' && id === hostname().replace(/\s+/g, '').toLowerCase()) {
      throw new Error('no machine id file; node-machine-id fell back to the hostname');
    }
    return id;
  },
};

/**
 * The app-scoped fingerprint of a raw machine id: lowercase hex HMAC-SHA256 keyed by the id
 * over `appId`, so the raw id never leaves the machine and other apps cannot correlate it.
 * Pure; never fails.
 */
export function deriveFingerprint(rawMachineId: string, appId: string = FINGERPRINT_APP_ID): string {
  return createHmac('sha256', rawMachineId).update(appId, 'utf8').digest('hex');
}

/**
 * Reads the machine id from `source` and derives the app-scoped fingerprint.
 * Fails with `MACHINE_ID_UNAVAILABLE` when the source rejects or yields an empty id.
 */
export async function readFingerprint(
  source: MachineIdSource,
  appId: string = FINGERPRINT_APP_ID,
): Promise<Result<string, 'MACHINE_ID_UNAVAILABLE'>> {
  let rawMachineId: string;
  try {
    rawMachineId = await source.read();
  } catch {
    // The cause is dropped on purpose: a failure value carries its code, never OS details.
    return fail('MACHINE_ID_UNAVAILABLE');
  }
  if (typeof rawMachineId !== 'string' || rawMachineId.trim() === '') {
    return fail('MACHINE_ID_UNAVAILABLE');
  }
  return { ok: true, value: deriveFingerprint(rawMachineId, appId) };
}
