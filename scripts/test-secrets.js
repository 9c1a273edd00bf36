// Keychain hygiene for tests and benchmarks: they keep their secrets under their own service
// names (`tessera-test-<pid>…`, `tessera-e2e-<pid>…`, `tessera-bench-<pid>…`, through
// TESSERA_KEYCHAIN_SERVICE), never under the `tessera` service a person's Tessera uses; and
// whatever a killed run left behind is deleted by the next run.
import { spawnSync } from 'node:child_process';

/** `tessera-<kind>-<pid>` optionally followed by `-<anything>`: the names tests and benchmarks use. */
const TEST_SERVICE = /^tessera-(test|e2e|bench)-([1-9][0-9]{0,9})(?:-[A-Za-z0-9._-]*)?$/;
/** Every secret-tool call is bounded: a locked keyring could otherwise wait on a prompt. */
const TIMEOUT_MS = 5_000;

/** The service name for a run of `kind` in this process. */
export function testServiceName(kind) {
  return `tessera-${kind}-${process.pid}`;
}

/** Whether a process with this id exists (EPERM: it exists but belongs to someone else). */
export function processExists(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Every service name in the Secret Service that keytar's schema holds (Linux, with secret-tool), or null. */
function keytarServices() {
  if (process.platform !== 'linux') return null;
  const found = spawnSync('secret-tool', ['search', '--all', 'xdg:schema', 'org.freedesktop.Secret.Generic'], { encoding: 'utf8', timeout: TIMEOUT_MS });
  if (found.error || found.status !== 0) return null;
  const services = new Set();
  for (const line of found.stdout.split('\n')) {
    const match = /^attribute\.service = (.*)$/.exec(line);
    if (match) services.add(match[1]);
  }
  return [...services];
}

/**
 * Deletes the entries of test and benchmark services whose process is gone (a killed or
 * finished run), and, with `ownedBy`, those of that process too. Services of live runs and
 * every other service are left alone. Returns the service names cleared; where the keychain
 * cannot be listed (no secret-tool, not Linux) it does nothing and returns [].
 */
export function purgeTestSecrets({ ownedBy } = {}) {
  const services = keytarServices() ?? [];
  const cleared = [];
  for (const service of services) {
    const match = TEST_SERVICE.exec(service);
    if (!match) continue;
    const pid = Number(match[2]);
    if (pid !== ownedBy && processExists(pid)) continue;
    const clear = spawnSync('secret-tool', ['clear', 'service', service], { timeout: TIMEOUT_MS });
    if (!clear.error && clear.status === 0) cleared.push(service);
  }
  return cleared;
}
