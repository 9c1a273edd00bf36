/**
 * `tessera doctor` and the Settings screen's "Run checks": what Tessera depends on, each with
 * a verdict and a fix. The local checks and the network checks run side by side; every check is
 * bounded in time, and one that throws or overruns is a failure of its own, never a crash.
 */
import { DOCTOR_CHECK_IDS, type DoctorReport } from '../contract/doctor.js';
import { bounded, type DoctorOptions } from './doctor.types.js';
import { checkConfig, checkDataFolder, checkKeychain, checkState } from './local-checks.js';
import { networkChecks } from './network-checks.js';

export type { DoctorOptions, DoctorRuntime } from './doctor.types.js';

/** Default bound on one check: the keychain's round trip is three calls of up to 5 s each. */
export const DEFAULT_CHECK_TIMEOUT_MS = 16_000;

/** Runs every check; `ok` is true when none failed. Never throws. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const limit = options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  // The network steps depend on each other and run in order; the local checks run beside them.
  const [local, remote] = await Promise.all([
    Promise.all([
      bounded('config', limit, () => checkConfig(options)),
      bounded('keychain', limit, () => checkKeychain(options)),
      bounded('data-folder', limit, () => checkDataFolder(options)),
      bounded('state', limit, () => checkState(options)),
    ]),
    networkChecks(options, (id, check) => bounded(id, limit, check)),
  ]);
  const checks = [...local, ...remote].sort((a, b) => DOCTOR_CHECK_IDS.indexOf(a.id) - DOCTOR_CHECK_IDS.indexOf(b.id));
  return { ok: checks.every((check) => check.verdict !== 'fail'), checks };
}
