/**
 * Vitest's global set-up, run once before any test file:
 * - builds dist/ when it was not built from the sources as they are now, so that tests which
 *   spawn `bin/tessera.js` or import `dist/` never run an older build (and fails the run,
 *   saying why, when the build fails);
 * - deletes keychain entries that killed test runs left under their own service names. The
 *   run's own service (`TESSERA_KEYCHAIN_SERVICE`, set in vitest.config.ts) is cleared again
 *   at the end.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { purgeTestSecrets } from '../../scripts/test-secrets.js';

const ROOT = join(import.meta.dirname, '..', '..');

export default function setup(): () => void {
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.js'), '--if-stale'], {
    cwd: ROOT,
    stdio: 'inherit',
    // vitest sets NODE_ENV=test, which would bundle React's development build into the UI the
    // end-to-end tests load: the build is the one `npm run build` makes.
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (built.status !== 0) {
    throw new Error('The build failed (see above), so the tests that run dist/ would run an older build. Fix the build, then run the tests again.');
  }
  const stale = purgeTestSecrets();
  if (stale.length > 0) console.log(`tessera test: removed keychain entries of ${stale.length} earlier test run(s)`);
  return () => {
    purgeTestSecrets({ ownedBy: process.pid });
  };
}
