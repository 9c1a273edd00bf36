/**
 * Runs before every test file: tests must never reach the keychain entries of the Tessera a
 * person uses on this machine. vitest.config.ts gives each run its own service name.
 */
import { SECRET_SERVICE_ENV } from '../../src/vault/secret-store.js';

const service = process.env[SECRET_SERVICE_ENV];
if (service === undefined || !/^tessera-test-\d+$/.test(service)) {
  throw new Error(`${SECRET_SERVICE_ENV} must name this test run's own keychain service (tessera-test-<pid>), not "${service ?? ''}": run the tests through vitest.config.ts`);
}
