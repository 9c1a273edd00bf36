/** What the doctor's checks are given, and the small helpers they share to report. */
import type { ConfigSource, VendorConfig } from '../config/vendor-config.types.js';
import type { FailureCode } from '../contract/codes.js';
import type { DoctorCheck, DoctorCheckId } from '../contract/doctor.js';
import { messageFor } from '../contract/messages.js';
import type { Environment } from '../keygen/proxy.js';
import type { SecretStore, SecretStoreMode } from '../vault/secret-store.js';

/** The parts of an opened licensing core the checks look at (a `LicensingRuntime` fits). */
export interface DoctorRuntime {
  readonly config: VendorConfig;
  readonly source: ConfigSource;
  readonly secrets: SecretStore;
  readonly secretStorage: { readonly mode: SecretStoreMode; readonly filePath: string };
}

export interface DoctorOptions {
  /** The opened licensing core; null when the vendor configuration could not be loaded. */
  readonly runtime: DoctorRuntime | null;
  /** Why it could not be loaded (with the file or field at fault), when `runtime` is null. */
  readonly configFailure?: { readonly code: FailureCode; readonly message: string; readonly detail?: string | undefined } | undefined;
  /** The data folder (TESSERA_HOME or the platform's app data folder). */
  readonly dataFolder: string;
  /** Where proxy variables are read. */
  readonly env: Environment;
  readonly now?: () => number;
  /** The bound on each check; default 10 s. */
  readonly checkTimeoutMs?: number;
  /** The OS keychain, probed in `auto` mode before any secrets file exists; the real one by default (tests inject one). */
  readonly keychain?: (service: string) => SecretStore;
  /** Root certificates (PEM) to trust instead of the system's, for tests with their own authority. */
  readonly ca?: readonly string[];
}

const TITLES: Readonly<Record<DoctorCheckId, string>> = {
  config: 'Vendor configuration',
  keychain: 'Keychain',
  'data-folder': 'Data folder',
  state: 'License state',
  proxy: 'Proxy',
  dns: 'DNS',
  tcp: 'TCP',
  tls: 'TLS',
  clock: 'Clock',
};

export function ok(id: DoctorCheckId, summary: string): DoctorCheck {
  return { id, title: TITLES[id], verdict: 'ok', summary, fix: null, code: null };
}

export function warn(id: DoctorCheckId, summary: string, fix: string, code: FailureCode | null = null): DoctorCheck {
  return { id, title: TITLES[id], verdict: 'warn', summary, fix, code };
}

/** A failed check; the fix defaults to the code's next step. */
export function failed(id: DoctorCheckId, code: FailureCode | null, summary: string, fix: string = code === null ? 'Run the check again; if it keeps failing, report it.' : messageFor(code).action): DoctorCheck {
  return { id, title: TITLES[id], verdict: 'fail', summary, fix, code };
}

/** A check that could not run because one it depends on failed: a warning, so that one fault is not counted twice. */
export function skipped(id: DoctorCheckId, because: string): DoctorCheck {
  return { id, title: TITLES[id], verdict: 'warn', summary: `Not checked: ${because}.`, fix: 'Fix the failure above, then run the checks again.', code: null };
}

/** What a check that overran its bound means. */
const OVERRUN_CODES: Partial<Record<DoctorCheckId, FailureCode>> = { keychain: 'KEYCHAIN_TIMEOUT' };

/** Runs `check` within `timeoutMs`, turning an overrun or an exception into a failed check. */
export async function bounded(id: DoctorCheckId, timeoutMs: number, check: () => Promise<DoctorCheck> | DoctorCheck): Promise<DoctorCheck> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const overrun = new Promise<DoctorCheck>((resolve) => {
    timer = setTimeout(() => resolve(failed(id, OVERRUN_CODES[id] ?? null, `Did not finish within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}.`)), timeoutMs);
  });
  const running = (async () => {
    try {
      return await check();
    } catch (error) {
      // A bug in a check: reported by name only (a message may carry anything).
      return failed(id, 'INTERNAL_ERROR', `The check itself failed (${error instanceof Error ? error.name : typeof error}).`);
    }
  })();
  try {
    return await Promise.race([running, overrun]);
  } finally {
    clearTimeout(timer);
  }
}
