/**
 * The web console end to end, in Debian's Chromium, against the local issuer: the flows of an
 * end user (activate, check in, renew, deactivate), of an air-gapped machine (import a machine
 * file, a tampered one refused) and of an admin (seats, bulk deactivation). Every screen is
 * photographed and scanned with axe-core; the whole run must not log a console error or a CSP
 * violation.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { MESSAGES, uiActionFor } from '../../src/contract/messages.js';
import { expectAccessible, expectStatus, open, screenshot, signIn, thisMachineFingerprint, watchProblems, type PageProblems } from './support/console.js';
import { demoLicense, environment } from './support/environment.js';
import { createMachine, machineFile, machinesOf, tamperSignature } from './support/issuer.js';

test.describe.configure({ mode: 'serial' });

let page: Page;
let problems: PageProblems;
const files = mkdtempSync(join(tmpdir(), 'tessera-e2e-files-'));

test.beforeAll(async ({ browser }) => {
  const context = await browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: environment().console.url });
  page = await context.newPage();
  problems = await watchProblems(page);
});

test.afterAll(async () => {
  await page.context().close();
});

/** The failure block for `code`: its title, message, next step in the app's terms and the code itself, all from the one message module. */
async function expectRefusal(code: keyof typeof MESSAGES): Promise<void> {
  const alert = page.getByRole('alert').filter({ hasText: code });
  await expect(alert).toBeVisible();
  await expect(alert).toContainText(MESSAGES[code].title);
  await expect(alert).toContainText(MESSAGES[code].message);
  await expect(alert).toContainText(uiActionFor(code));
}

async function notice(text: string | RegExp): Promise<void> {
  await expect(page.getByRole('log', { name: 'Notices' })).toContainText(text);
}

test('signs in with the one-time link under the strict CSP; nothing is activated yet', async () => {
  const responses: Record<string, string | undefined>[] = [];
  page.on('response', (response) => {
    if (response.request().resourceType() === 'document') responses.push(response.headers());
  });
  await signIn(page);
  const csp = responses.at(-1)?.['content-security-policy'] ?? '';
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
  await expectStatus(page, 'not-licensed');
  await expect(page.getByRole('status', { name: 'License status' })).toContainText(MESSAGES.NOT_ACTIVATED.title);
  await screenshot(page, 'status-not-activated');
  await expectAccessible(page, 'status (not activated)');
});

test('a reload keeps the tab signed in; the session secret has left the address bar', async () => {
  expect(page.url()).not.toContain('session=');
  await page.reload();
  await expect(page.getByRole('status', { name: 'License status' })).toContainText(MESSAGES.NOT_ACTIVATED.title);
  await expect(page.getByRole('alert').filter({ hasText: 'SESSION_REQUIRED' })).toHaveCount(0);
  expect(page.url()).not.toContain('session=');
});

test('a new tab is not signed in by the first tab\'s cookie: it asks for its own login link', async () => {
  const other = await page.context().newPage();
  try {
    await other.goto(environment().console.url);
    const alert = other.getByRole('alert').filter({ hasText: 'SESSION_REQUIRED' });
    await expect(alert).toBeVisible();
    await expect(alert).toContainText(MESSAGES.SESSION_REQUIRED.message);
    await expect(alert).toContainText(uiActionFor('SESSION_REQUIRED'));
    await screenshot(other, 'sign-in-needed');
    await expectAccessible(other, 'sign-in needed');
  } finally {
    await other.close();
  }
  // The first tab is still signed in.
  await expectStatus(page, 'not-licensed');
  await expect(page.getByRole('status', { name: 'License status' })).toContainText(MESSAGES.NOT_ACTIVATED.title);
});

test('an invalid key is refused with its message and next step; it stays in the field to be corrected', async () => {
  await open(page, 'Activate');
  await expect(page.getByRole('heading', { level: 1, name: 'Activate this machine' })).toBeVisible();
  await screenshot(page, 'activate');
  await expectAccessible(page, 'activate');
  await page.getByLabel('License key', { exact: true }).fill('NOPE-NOPE-NOPE-NOPE');
  await page.getByRole('main').getByRole('button', { name: 'Activate', exact: true }).click();
  await expectRefusal('NOT_FOUND');
  await expect(page.getByLabel('License key', { exact: true })).toHaveValue('NOPE-NOPE-NOPE-NOPE');
  await screenshot(page, 'activate-refused');
  await expectAccessible(page, 'activate (refused)');
});

test('activating a demo key shows progress, then the status says licensed', async () => {
  const license = demoLicense('Check-in required');
  // Hold the activation until the progress has been seen, so the assertion does not race it.
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/v1/ops/license:activate', async (route) => {
    await held;
    await route.continue();
  });
  await open(page, 'Activate');
  await page.getByLabel('License key', { exact: true }).fill(license.key);
  await page.getByRole('main').getByRole('button', { name: 'Activate', exact: true }).click();
  await expect(page.getByRole('progressbar', { name: 'Activating' })).toBeVisible();
  await expect(page.getByRole('main').getByRole('button', { name: /Activating/ })).toBeDisabled();
  release();
  await notice('Activated.');
  await page.unroute('**/v1/ops/license:activate');
  await expectStatus(page, 'licensed');
  const region = page.getByRole('status', { name: 'License status' });
  await expect(region).toContainText(/^\s*Licensed/);
  const main = page.getByRole('main');
  await expect(main).toContainText('CORE');
  await expect(main).toContainText(license.id);
  await expect(main).toContainText(`${thisMachineFingerprint().slice(0, 8)}…`);
  await screenshot(page, 'status-licensed');
  await expectAccessible(page, 'status (licensed)');
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, 'status-licensed-dark');
  await expectAccessible(page, 'status (licensed, dark)');
  await page.emulateMedia({ colorScheme: 'light' });
  // The key left the page with the request: it is not kept in the field or the page's text.
  expect(await page.content()).not.toContain(license.key);
});

test('check in', async () => {
  await open(page, 'Status');
  await page.getByRole('button', { name: 'Check in', exact: true }).click();
  await notice('Checked in.');
  await expectStatus(page, 'licensed');
});

test('renew', async () => {
  await page.getByRole('button', { name: 'Renew', exact: true }).click();
  await notice('Renewed.');
  await expectStatus(page, 'licensed');
});

test('seats of the active license, this machine marked', async () => {
  await open(page, 'Seats');
  const table = page.getByRole('table', { name: 'Seats of this license' });
  await expect(table.getByRole('row').filter({ hasText: '(this machine)' })).toHaveCount(1);
  await screenshot(page, 'seats');
  await expectAccessible(page, 'seats');
});

test('an admin signs in, opens another license\'s seats and deactivates two of them in bulk', async () => {
  const { issuer } = environment();
  const floating = demoLicense('Floating (3 seats)');
  for (const index of [1, 2, 3]) await createMachine(floating.id, `e2e-seat-fingerprint-${index}`, `e2e-seat-${index}`);
  await open(page, 'Licenses');
  await page.getByLabel('Admin or product token').fill(issuer.adminToken);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('table', { name: 'Licenses of this product' }).getByRole('button', { name: 'Seats of Demo: Floating (3 seats)' }).click();
  const table = page.getByRole('table', { name: 'Seats of this license' });
  await expect(table.getByRole('row').filter({ hasText: /e2e-seat-\d/ })).toHaveCount(3);
  await expect(page.getByRole('main')).toContainText('3 of 3 seats in use');
  await page.getByLabel('Filter seats').fill('e2e-seat-');
  await page.getByRole('checkbox', { name: 'Select e2e-seat-1' }).check();
  await page.getByRole('checkbox', { name: 'Select e2e-seat-3' }).check();
  await page.getByRole('button', { name: 'Deactivate selected (2)' }).click();
  const dialog = page.getByRole('dialog', { name: 'Deactivate 2 seats?' });
  await expect(dialog).toBeVisible();
  await screenshot(page, 'seats-confirm');
  await dialog.getByRole('button', { name: 'Yes, deactivate' }).click();
  await notice('Deactivated 2 seats.');
  await expect(table.getByRole('row').filter({ hasText: /e2e-seat-\d/ })).toHaveCount(1);
  expect(await machinesOf(floating.id)).toEqual(['e2e-seat-fingerprint-2']);
  await screenshot(page, 'seats-after-bulk');
  await open(page, 'Licenses');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page.getByLabel('Admin or product token')).toBeVisible();
});

test('deactivate this machine, after confirming', async () => {
  const license = demoLicense('Check-in required');
  await open(page, 'Status');
  await page.getByRole('button', { name: 'Deactivate', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Deactivate this machine?' });
  await expect(dialog).toBeVisible();
  await screenshot(page, 'deactivate-confirm');
  await expectAccessible(page, 'deactivate confirmation');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  expect(await machinesOf(license.id)).toHaveLength(1);
  await page.getByRole('button', { name: 'Deactivate', exact: true }).click();
  await dialog.getByRole('button', { name: 'Yes, deactivate' }).click();
  await notice('Machine deactivated.');
  await expectStatus(page, 'not-licensed');
  expect(await machinesOf(license.id)).toEqual([]);
});

test('an air-gapped import: an encrypted machine file, then its license key → licensed', async () => {
  const license = demoLicense('Node-locked');
  const machineId = await createMachine(license.id, thisMachineFingerprint(), 'air-gapped workstation');
  const file = join(files, 'workstation.lic');
  writeFileSync(file, await machineFile(machineId));
  await open(page, 'Offline files');
  await screenshot(page, 'offline');
  await expectAccessible(page, 'offline');
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Choose file…' }).click();
  await (await chooser).setFiles(file);
  const keyField = page.getByLabel('License key for this file');
  await expect(keyField).toBeVisible();
  await screenshot(page, 'offline-key-required');
  await keyField.fill(license.key);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await notice('Imported license file.');
  await expectStatus(page, 'licensed');
  await expect(page.getByRole('table', { name: 'Installed licenses' })).toContainText(license.id);
  await screenshot(page, 'offline-imported');
  await expectAccessible(page, 'offline (imported)');
});

test('a tampered file is refused with exactly why', async () => {
  const license = demoLicense('Node-locked');
  const machineId = await createMachine(demoLicense('Short expiry').id, thisMachineFingerprint(), 'tampered');
  const file = join(files, 'tampered.lic');
  writeFileSync(file, tamperSignature(await machineFile(machineId)));
  await open(page, 'Offline files');
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Choose file…' }).click();
  await (await chooser).setFiles(file);
  // Verified before anything else: no key is asked for a file whose signature does not hold.
  await expectRefusal('LICENSE_FILE_NOT_GENUINE');
  await screenshot(page, 'offline-refused');
  await expectStatus(page, 'licensed');
  await expect(page.getByRole('main')).toContainText(license.id);
});

test('settings show the licensing server; diagnostics are copied without secrets', async () => {
  const { issuer } = environment();
  await open(page, 'Settings');
  const main = page.getByRole('main');
  await expect(main).toContainText(issuer.url);
  await expect(main).toContainText(environment().home);
  // The agent here uses a vendor configuration: secrets in the keychain, never a file.
  await expect(main.locator('dt:text-is("Secrets") + dd')).toHaveText('OS keychain');
  await page.getByRole('button', { name: 'Copy diagnostics' }).click();
  await notice('Diagnostics copied.');
  const diagnostics = await page.getByLabel('Diagnostics').inputValue();
  expect(diagnostics).toContain('Tessera');
  expect(diagnostics).toContain('(console)');
  expect(diagnostics).toContain('Secrets: OS keychain');
  for (const demo of environment().licenses) expect(diagnostics).not.toContain(demo.key);
  expect(diagnostics).not.toContain(issuer.adminToken);
  await screenshot(page, 'settings');
  await expectAccessible(page, 'settings');
});

test('settings run the checks of tessera doctor: each with its verdict, the network and clock against the issuer', async () => {
  await open(page, 'Settings');
  await page.getByRole('button', { name: 'Run checks' }).click();
  const results = page.getByRole('list', { name: 'Check results' });
  await expect(results.getByRole('listitem')).toHaveCount(9);
  for (const title of ['Vendor configuration', 'Keychain', 'Data folder', 'License state', 'Proxy', 'DNS', 'TCP', 'TLS', 'Clock']) {
    await expect(results.getByRole('listitem').filter({ hasText: title })).toContainText('OK');
  }
  await expect(page.getByRole('main')).toContainText('No check failed.');
  await notice('Checks done: nothing failed.');
  await screenshot(page, 'settings-checks');
  await expectAccessible(page, 'settings (checks)');
});

test('no console error and no CSP violation in the whole run', () => {
  expect(problems.errors).toEqual([]);
});
