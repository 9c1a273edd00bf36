/** What the global setup started, as the console tests read it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ENV_FILE = join(import.meta.dirname, '..', '..', '..', 'test-results', 'e2e-env.json');

export interface E2eEnvironment {
  /** TESSERA_HOME of the console under test. */
  readonly home: string;
  /** The mount root the console watches for removable drives (TESSERA_MOUNT_ROOTS). */
  readonly mediaRoot: string;
  /** The vendor configuration the console uses. */
  readonly configFile: string;
  readonly console: { readonly url: string; readonly tokenFile: string };
  readonly issuer: { readonly url: string; readonly account: string; readonly adminToken: string; readonly product: string; readonly database: string };
  readonly licenses: readonly { readonly id: string; readonly key: string; readonly policy: string }[];
}

export function environment(): E2eEnvironment {
  return JSON.parse(readFileSync(ENV_FILE, 'utf8')) as E2eEnvironment;
}

/** The demo license of a policy. */
export function demoLicense(policy: string): { readonly id: string; readonly key: string } {
  const license = environment().licenses.find((entry) => entry.policy === policy);
  if (license === undefined) throw new Error(`no demo license for policy "${policy}"`);
  return license;
}
