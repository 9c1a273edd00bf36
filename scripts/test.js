#!/usr/bin/env node
// `npm test`: lint, type-check, then every test suite (vitest, then Playwright), with a real OS keychain.
//
// On Linux the keychain tests need a Secret Service. So that tests never touch the
// developer's own keyring, this script re-runs itself inside a private D-Bus session with a
// throwaway, unlocked gnome-keyring (when dbus-run-session and gnome-keyring are installed).
// It ends with one line that CI reads: "N passed, N failed, N skipped".
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { enterKeyringSession } from './keyring-session.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => join(root, 'node_modules', '.bin', name);

function run(command, args, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

// CI sets TESSERA_REQUIRE_KEYCHAIN=1: there, a keyring that cannot start fails the run
// instead of quietly skipping the keychain tests.
const keychainRequired = process.env.TESSERA_REQUIRE_KEYCHAIN === '1';
const keychain = await enterKeyringSession(import.meta.url, 'tessera test');
if (keychain) {
  process.env.TESSERA_REQUIRE_KEYCHAIN = '1';
  console.log('tessera test: private D-Bus session with an unlocked gnome-keyring');
} else if (keychainRequired) {
  console.error('tessera test: TESSERA_REQUIRE_KEYCHAIN=1 but no private keyring could start (install dbus, dbus-x11, gnome-keyring and libsecret-tools); the keychain tests will fail');
} else {
  console.warn('tessera test: keychain integration tests will be skipped');
}

const tally = { passed: 0, failed: keychain || !keychainRequired ? 0 : 1, skipped: 0 };
const check = async (label, command, args) => {
  console.log(`\n== ${label}`);
  const code = await run(command, args);
  if (code === 0) tally.passed += 1;
  else {
    tally.failed += 1;
    console.error(`== ${label} failed (exit ${code})`);
  }
};

await check('build', process.execPath, [join(root, 'scripts', 'build.js')]);
await check('lint', bin('eslint'), ['.']);
await check('type-check', bin('tsc'), ['-p', 'test', '--noEmit']);
// The end-to-end tests run code in the page too, so their project knows the DOM.
await check('type-check (end-to-end)', bin('tsc'), ['-p', 'test/e2e', '--noEmit']);

console.log('\n== unit and integration tests (vitest)');
mkdirSync(join(root, 'test-results'), { recursive: true });
const report = join(root, 'test-results', 'vitest.json');
const vitestCode = await run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)]);
try {
  const results = JSON.parse(readFileSync(report, 'utf8'));
  tally.passed += results.numPassedTests;
  tally.failed += results.numFailedTests;
  tally.skipped += results.numPendingTests + results.numTodoTests;
  // A suite that fails to load has no failed tests but a failed run.
  if (vitestCode !== 0 && results.numFailedTests === 0) tally.failed += 1;
} catch {
  tally.failed += 1;
  console.error('== vitest wrote no report');
}

console.log('\n== end-to-end tests (Playwright, Debian Chromium)');
const e2eReport = join(root, 'test-results', 'playwright.json');
const playwrightCode = await run(bin('playwright'), ['test']);
try {
  const { stats } = JSON.parse(readFileSync(e2eReport, 'utf8'));
  tally.passed += stats.expected + stats.flaky;
  tally.failed += stats.unexpected;
  tally.skipped += stats.skipped;
  // A configuration or set-up failure runs no test at all but fails the run.
  if (playwrightCode !== 0 && stats.unexpected === 0) tally.failed += 1;
} catch {
  tally.failed += 1;
  console.error('== Playwright wrote no report');
}

console.log(`\n${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped`);
process.exit(tally.failed === 0 ? 0 : 1);
