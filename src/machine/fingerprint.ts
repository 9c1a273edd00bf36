import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';

/** The fixed string the machine id is keyed over: fingerprints are scoped to this app. */
export const FINGERPRINT_APP_ID = 'tessera';

/** Where the raw OS machine id comes from; tests swap in a fake. */
export interface MachineIdSource {
  /** The OS machine id, unhashed; rejects when it cannot be read. */
  read(): Promise<string>;
}

/** Where Linux keeps its machine id, in the order `node-machine-id` reads them. */
const LINUX_MACHINE_ID_FILES = ['/var/lib/dbus/machine-id', '/etc/machine-id'];

/**
 * The Linux machine id read directly, exactly as `node-machine-id` derives it (the first line of
 * the files above, concatenated, without whitespace, lowercased) but without the shell it spawns
 * for that, which would cost a cold `tessera status` more than the rest of its work.
 */
export async function readLinuxMachineId(files: readonly string[] = LINUX_MACHINE_ID_FILES): Promise<string> {
  const contents = await Promise.all(files.map((file) => readFile(file, 'utf8').catch(() => '')));
  const id = (contents.join('').split('\n')[0] ?? '').replace(/\s+/g, '').toLowerCase();
  if (id === '') throw new Error('no machine id file (/var/lib/dbus/machine-id, /etc/machine-id)');
  return id;
}

/**
 * The OS machine id: on Linux the machine-id files, elsewhere through `node-machine-id`
 * (`IOPlatformUUID`, `MachineGuid`). Rejects when the id cannot be read, including when the
 * package fell back to the hostname.
 */
export const osMachineIdSource: MachineIdSource = {
  async read() {
    if (process.platform === 'linux') return readLinuxMachineId();
    // Loaded only here: importing it costs a cold start more than reading the id does.
    const { default: nodeMachineId } = await import('node-machine-id');
    // `true` asks for the original id; the package's default is its own unkeyed SHA-256.
    return nodeMachineId.machineId(true);
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
