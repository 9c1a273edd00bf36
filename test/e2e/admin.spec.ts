/**
 * The administrator views end to end, in Debian's Chromium against the local issuer: sign in
 * with the account's admin token, the product's licenses (search by name and by key), a
 * license's seats (every page, capacity, the "unseen for N days" filter), exports downloaded
 * (every page), a bulk deactivation cancelled part way, the audit log in Settings, and an end
 * user freeing a seat of a full license with its key alone. Every screen is scanned with axe.
 * It leaves the console as it found it: signed out, nothing activated.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { uiActionFor } from '../../src/contract/messages.js';
import { expectAccessible, open, screenshot, signIn, watchProblems, type PageProblems } from './support/console.js';
import { environment } from './support/environment.js';
import { addMachines, createLicense, createPolicy, machineCount } from './support/fleet.js';

test.describe.configure({ mode: 'serial' });

let page: Page;
let problems: PageProblems;
let fleet: { id: string; key: string };
let big: { id: string; key: string };
let full: { id: string; key: string };

test.beforeAll(async ({ browser }) => {
  const unlimited = await createPolicy('E2E unlimited', null);
  fleet = await createLicense(unlimited, 'E2E fleet');
  addMachines(fleet.id, 110, 'fleet-fresh');
  addMachines(fleet.id, 40, 'fleet-stale', 45);
  big = await createLicense(unlimited, 'E2E big fleet');
  addMachines(big.id, 5000, 'big');
  full = await createLicense(await createPolicy('E2E two seats', 2), 'E2E full');
  addMachines(full.id, 2, 'full');
  page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  problems = await watchProblems(page);
  await signIn(page);
});

test.afterAll(async () => {
  await page.context().close();
});

const licensesTable = (): ReturnType<Page['getByRole']> => page.getByRole('table', { name: 'Licenses of this product' });
const seatsTable = (): ReturnType<Page['getByRole']> => page.getByRole('table', { name: 'Seats of this license' });

async function downloaded(button: string): Promise<{ name: string; text: string }> {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: button, exact: true }).click();
  const file = await download;
  const path = await file.path();
  return { name: file.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

test('a refused token says why; the admin token signs in and is never shown again', async () => {
  await open(page, 'Licenses');
  await expect(page.getByRole('heading', { level: 1, name: 'Licenses' })).toBeVisible();
  await expectAccessible(page, 'licenses (signed out)');
  await page.getByLabel('Admin or product token').fill('admin-not-a-real-token-0000000000000v3');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  const refused = page.getByRole('alert').filter({ hasText: 'ADMIN_TOKEN_REFUSED' });
  await expect(refused).toContainText(uiActionFor('ADMIN_TOKEN_REFUSED'));
  await page.getByLabel('Admin or product token').fill(environment().issuer.adminToken);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('main')).toContainText('Signed in as administrator');
  await expect(page.getByLabel('Admin or product token')).toHaveCount(0);
  expect(await page.content()).not.toContain(environment().issuer.adminToken);
});

test('the licenses of the product: masked keys, seats "x of N", search by name and by key', async () => {
  await expect(licensesTable().getByRole('row').filter({ hasText: 'E2E fleet' })).toContainText('150 of unlimited');
  await expect(licensesTable().getByRole('row').filter({ hasText: 'E2E full' })).toContainText('2 of 2');
  await expect(licensesTable()).toContainText('Demo: Node-locked');
  expect(await page.content()).not.toContain(fleet.key);
  await screenshot(page, 'licenses');
  await expectAccessible(page, 'licenses');

  await page.getByLabel('Search licenses').fill('big fleet');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByRole('main')).toContainText('1 license matches “big fleet”');
  await expect(licensesTable().getByRole('row').filter({ hasText: 'E2E big fleet' })).toHaveCount(1);
  await page.getByLabel('Search licenses').fill(fleet.key);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(licensesTable().locator('tbody tr:not(.spacer)')).toHaveCount(1);
  await expect(licensesTable()).toContainText('E2E fleet');
  await expect(page.getByLabel('Search licenses')).toHaveValue(fleet.key);
});

test('a license\'s seats: every page, its capacity, and the "unseen for N days" filter', async () => {
  await licensesTable().getByRole('button', { name: 'Seats of E2E fleet' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Seats', exact: true })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('main')).toContainText('150 of unlimited seats in use on E2E fleet');
  await expect(page.getByRole('main')).toContainText('150 seats');
  // Oldest first by default: the stale ones; the most recently seen first once sorted so.
  await expect(seatsTable()).toContainText('fleet-stale-00001');
  await seatsTable().getByRole('button', { name: 'Last seen' }).click();
  await seatsTable().getByRole('button', { name: 'Last seen' }).click();
  await expect(seatsTable().locator('thead th[aria-sort="descending"]')).toHaveCount(1);
  await expect(seatsTable()).toContainText('fleet-fresh-00110');
  await page.getByLabel('Unseen for at least (days)').fill('30');
  await expect(page.getByRole('main')).toContainText('Showing 40 of 150 seats');
  await expect(seatsTable()).toContainText('fleet-stale-00040');
  await expect(seatsTable()).not.toContainText('fleet-fresh-');
  await screenshot(page, 'seats-admin-stale');
  await expectAccessible(page, 'seats (admin, stale filter)');
});

test('exports download every seat, and the unseen ones only when the filter is on', async () => {
  const unseen = await downloaded('Export JSON (unseen ones)');
  expect(unseen.name).toMatch(new RegExp(`^tessera-seats-${fleet.id}-.*\\.json$`));
  const document = JSON.parse(unseen.text) as { count: number; data: { name: string; fingerprint: string }[] };
  expect(document.count).toBe(40);
  expect(document.data.every((seat) => seat.name.startsWith('fleet-stale-'))).toBe(true);
  // Fingerprints in full in the file, shortened on screen.
  expect(document.data[0]?.fingerprint).toMatch(/^fleet-stale-\d{5}-[0-9a-f-]{36}$/);
  await page.getByLabel('Unseen for at least (days)').fill('');
  const all = await downloaded('Export CSV');
  const lines = all.text.trim().split('\r\n');
  expect(lines[0]).toMatch(/^id,name,hostname,platform,fingerprint,activated,/);
  expect(lines).toHaveLength(151);
});

test('a bulk deactivation shows its progress and stops on Cancel after the requests in flight', async () => {
  await open(page, 'Licenses');
  await page.getByLabel('Search licenses').fill('big fleet');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await licensesTable().getByRole('button', { name: 'Seats of E2E big fleet' }).click();
  await expect(page.getByRole('main')).toContainText('5,000 seats', { timeout: 30_000 });
  await seatsTable().getByRole('checkbox', { name: 'Select all shown' }).check();
  await page.getByRole('button', { name: 'Deactivate selected (5,000)' }).click();
  const dialog = page.getByRole('dialog', { name: 'Deactivate 5,000 seats?' });
  await dialog.getByRole('button', { name: 'Yes, deactivate' }).click();
  const progress = page.getByRole('progressbar', { name: 'Deactivating seats' });
  await expect(progress).toBeVisible();
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  const outcome = page.getByRole('status', { name: 'Bulk deactivation' });
  await expect(outcome).toContainText('Cancelled', { timeout: 30_000 });
  await screenshot(page, 'seats-bulk-cancelled');
  await expectAccessible(page, 'seats (bulk cancelled)');
  const text = (await outcome.textContent()) ?? '';
  const notAttempted = Number(/([\d,]+) seats? not attempted/.exec(text)?.[1]?.replace(/,/g, '') ?? -1);
  expect(notAttempted).toBeGreaterThan(0);
  // What was not attempted is still there, and the list shows exactly that.
  expect(await machineCount(big.id)).toBe(notAttempted);
  await expect(page.getByRole('main')).toContainText(`${notAttempted.toLocaleString('en')} seats`);
});

test('Settings lists the administrator actions (sign-in, exports, the cancelled deactivation) and signs out', async () => {
  await open(page, 'Settings');
  const audit = page.getByRole('table', { name: 'Administrator actions' });
  await expect(audit.getByRole('row').filter({ hasText: 'Deactivation' })).toContainText('cancelled');
  await expect(audit.getByRole('row').filter({ hasText: 'Export' })).toHaveCount(2);
  await expect(audit.getByRole('row').filter({ hasText: 'Sign-in' }).first()).toContainText('ok');
  expect(await page.content()).not.toContain(environment().issuer.adminToken);
  await screenshot(page, 'settings-administrator');
  await expectAccessible(page, 'settings (administrator)');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page.getByLabel('Admin or product token')).toBeVisible();
});

test('an end user whose license is full frees a seat with the key alone, without being activated', async () => {
  await open(page, 'Activate');
  await page.getByLabel('License key', { exact: true }).fill(full.key);
  await page.getByRole('main').getByRole('button', { name: 'Activate', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'MACHINE_LIMIT_EXCEEDED' })).toBeVisible();
  await page.getByRole('button', { name: 'Free a seat of this license' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Seats' })).toBeVisible();
  // The screen still shows the signed-out administrator's license: back to this machine's, which is not activated.
  await page.getByRole('button', { name: "Use this machine's license" }).click();
  const keyField = page.getByLabel('License key', { exact: true });
  await expect(keyField).toBeVisible();
  await keyField.fill(full.key);
  await page.getByRole('button', { name: 'Show seats', exact: true }).click();
  await expect(page.getByRole('main')).toContainText('2 of 2 seats in use on E2E full');
  await seatsTable().getByRole('checkbox', { name: 'Select full-00001' }).check();
  await page.getByRole('button', { name: 'Deactivate selected (1)' }).click();
  await page.getByRole('dialog', { name: 'Deactivate 1 seat?' }).getByRole('button', { name: 'Yes, deactivate' }).click();
  await expect(page.getByRole('status', { name: 'Bulk deactivation' })).toContainText('Deactivated 1 seat');
  await expect(page.getByRole('main')).toContainText('1 of 2 seats in use');
  expect(await machineCount(full.id)).toBe(1);
  expect(await page.content()).not.toContain(full.key);
  await expectAccessible(page, 'seats (license key)');
});

test('no console error and no CSP violation in the whole run', () => {
  expect(problems.errors).toEqual([]);
});
