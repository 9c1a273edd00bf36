/**
 * The keychain service of this test run (`tessera-test-<pid>`, from vitest.config.ts) and
 * names derived from it: whatever a test stores in the real keychain stays out of the
 * `tessera` service of a person's own Tessera, and is cleared at the end of the run (or by the
 * next run, when this one is killed).
 */
import { SECRET_SERVICE_ENV } from '../../src/vault/secret-store.js';

/** The run's own service: what the CLI and agent that the tests spawn use too. */
export const TEST_SERVICE = process.env[SECRET_SERVICE_ENV] as string;

/** A service of its own for one test, inside the run's namespace. */
export function testService(suffix: string): string {
  return `${TEST_SERVICE}-${suffix}`;
}
