/**
 * The verdict explained on the Status screen, in Debian's Chromium against the local issuer: a
 * refused key stays in the field (trimmed) to be corrected; the card's headline is the core's
 * summary with what it rests on; Check in appears only for a license whose policy asks for
 * check-ins; with two licenses installed, "Use" makes the other one the active license. It
 * leaves the console as it found it: the licenses it activated are deactivated again.
 */
import { expect, test, type Page, type Response } from '@playwright/test';
import { MESSAGES, uiActionFor } from '../../src/contract/messages.js';
import type { StatusReport } from '../../src/licensing/manager.types.js';
import { expectAccessible, expectStatus, open, screenshot, signIn, watchProblems, type PageProblems } from './support/console.js';
import { demoLicense } from './support/environment.js';
import { machinesOf } from './support/issuer.js';

test.describe.configure({ mode: 'serial' });

let page: Page;
let problems: PageProblems;

/** Demo policies: one asks for a daily check-in, the other for none. */
const CHECK_IN = 'Check-in required';
const NO_CHECK_IN = 'Unencrypted check-out';

test.beforeAll(async ({ browser }) => {
  page = await (await browser.newContext()).newPage();
  problems = await watchProblems(page);
  await signIn(page);
});

test.afterAll(async () => {
  await page.context().close();
});

const keyField = (): ReturnType<Page['getByLabel']> => page.getByLabel('License key', { exact: true });
const verdictCard = (): ReturnType<Page['getByRole']> => page.getByRole('region', { name: 'This machine is licensed' });
const chooser = (): ReturnType<Page['getByRole']> => page.getByRole('table', { name: 'Installed licenses' });
const checkInButton = (): ReturnType<Page['getByRole']> => page.getByRole('main').getByRole('button', { name: 'Check in', exact: true });

/** The report a `license:status` answer carried to the page. */
async function reportOf(response: Promise<Response>): Promise<StatusReport> {
  const body = (await (await response).json()) as { ok: boolean; value: StatusReport };
  expect(body.ok).toBe(true);
  return body.value;
}

async function activate(key: string): Promise<void> {
  await open(page, 'Activate');
  await keyField().fill(key);
  await page.getByRole('main').getByRole('button', { name: 'Activate', exact: true }).click();
  await expect(page.getByRole('log', { name: 'Notices' })).toContainText('Activated.');
  await expectStatus(page, 'licensed');
}

/** Makes the demo license of `policy` the active one with its "Use" button; resolves to the report the page then shows. */
async function use(policy: string): Promise<StatusReport> {
  const status = page.waitForResponse((response) => response.url().endsWith('/v1/ops/license:status'));
  await chooser().getByRole('button', { name: `Use Demo: ${policy}` }).click();
  await expect(page.getByRole('log', { name: 'Notices' })).toContainText(`Now using Demo: ${policy}.`);
  return reportOf(status);
}

test('a refused key stays in the field without its surrounding spaces; the corrected key activates', async () => {
  const license = demoLicense(CHECK_IN);
  const typo = `${license.key.slice(0, -1)}${license.key.endsWith('X') ? 'Y' : 'X'}`;
  await open(page, 'Activate');
  await keyField().fill(`  ${typo}\n`);
  const sent = page.waitForRequest((request) => request.url().endsWith('/v1/ops/license:activate'));
  await page.getByRole('main').getByRole('button', { name: 'Activate', exact: true }).click();
  expect((await sent).postDataJSON()).toEqual({ licenseKey: typo });
  const alert = page.getByRole('alert').filter({ hasText: /Code: [A-Z_]+/ });
  await expect(alert).toBeVisible();
  const code = (await alert.locator('code').first().textContent()) as keyof typeof MESSAGES;
  await expect(alert).toContainText(MESSAGES[code].title);
  await expect(alert).toContainText(uiActionFor(code));
  await expect(keyField()).toHaveValue(typo);
  await screenshot(page, 'activate-refused-key-kept');

  // Correcting the last character is enough: the rest of the key is still there.
  await keyField().press('End');
  await keyField().press('Backspace');
  await keyField().pressSequentially(license.key.slice(-1));
  await page.getByRole('main').getByRole('button', { name: 'Activate', exact: true }).click();
  await expect(page.getByRole('log', { name: 'Notices' })).toContainText('Activated.');
  await expectStatus(page, 'licensed');
  await open(page, 'Activate');
  await expect(keyField()).toHaveValue('');
  expect(await page.content()).not.toContain(license.key);
});

test('the card\'s headline is the core\'s summary, with what it rests on and the check-in deadline; Check in is offered', async () => {
  const status = page.waitForResponse((response) => response.url().endsWith('/v1/ops/license:status'));
  await page.reload();
  const report = await reportOf(status);
  await open(page, 'Status');
  expect(report.license?.name).toBe(`Demo: ${CHECK_IN}`);
  expect(report.nextCheckIn).not.toBeNull();
  await expect(verdictCard().locator('p').first()).toHaveText(report.summary);
  await expect(verdictCard()).toContainText(/check in by/);
  await expect(verdictCard()).toContainText('Rests on');
  await expect(verdictCard()).toContainText('A machine file signed for this machine');
  await expect(verdictCard().getByRole('definition').nth(2)).toContainText(/\(in (\d+ hours|1 day|\d+ minutes)\)/);
  await expect(checkInButton()).toBeVisible();
  await checkInButton().click();
  await expect(page.getByRole('log', { name: 'Notices' })).toContainText('Checked in.');
});

test('a license whose policy asks for no check-in: no Check in button; the chooser marks it active', async () => {
  await activate(demoLicense(NO_CHECK_IN).key);
  // Activating a key chooses its license.
  const row = chooser().getByRole('row').filter({ hasText: `Demo: ${NO_CHECK_IN}` });
  await expect(row).toContainText('Active');
  await expect(row.getByRole('button')).toHaveCount(0);
  await expect(verdictCard()).toContainText('No check-in required');
  await expect(page.getByRole('main').getByRole('button', { name: 'Renew', exact: true })).toBeVisible();
  await expect(checkInButton()).toHaveCount(0);
  await expect(page.getByRole('main')).not.toContainText(/tessera [a-z]/);
  await screenshot(page, 'status-installed-licenses');
  await expectAccessible(page, 'status (installed licenses)');
});

test('"Use" makes the other license the active one: its verdict, and Check in with it', async () => {
  const chosen = await use(CHECK_IN);
  expect(chosen.license?.name).toBe(`Demo: ${CHECK_IN}`);
  await expect(verdictCard().locator('p').first()).toHaveText(chosen.summary);
  await expect(chooser().getByRole('row').filter({ hasText: `Demo: ${CHECK_IN}` })).toContainText('Active');
  await expect(chooser().getByRole('button', { name: `Use Demo: ${NO_CHECK_IN}` })).toBeVisible();
  await expect(checkInButton()).toBeVisible();
  await expect(page.getByRole('status', { name: 'License status' })).toContainText(`Demo: ${CHECK_IN}`);

  // And back: the choice holds across a reload, since the core keeps it.
  await use(NO_CHECK_IN);
  await expect(checkInButton()).toHaveCount(0);
  await page.reload();
  await expectStatus(page, 'licensed');
  await expect(page.getByRole('status', { name: 'License status' })).toContainText(`Demo: ${NO_CHECK_IN}`);
  await expect(checkInButton()).toHaveCount(0);
});

test('deactivating the two licenses leaves the console as it was found', async () => {
  for (const policy of [NO_CHECK_IN, CHECK_IN]) {
    const license = demoLicense(policy);
    await open(page, 'Status');
    if ((await chooser().count()) > 0 && (await chooser().getByRole('button', { name: `Use Demo: ${policy}` }).count()) > 0) await use(policy);
    await expect(page.getByRole('status', { name: 'License status' })).toContainText(`Demo: ${policy}`);
    await page.getByRole('main').getByRole('button', { name: 'Deactivate', exact: true }).click();
    await page.getByRole('dialog', { name: 'Deactivate this machine?' }).getByRole('button', { name: 'Yes, deactivate' }).click();
    await expect(page.getByRole('log', { name: 'Notices' })).toContainText('Machine deactivated.');
    await expect.poll(() => machinesOf(license.id)).toEqual([]);
  }
  await expect(chooser().getByRole('row').filter({ hasText: /Demo: (Check-in required|Unencrypted check-out)/ })).toHaveCount(0);
});

test('no console error and no CSP violation in the whole run', () => {
  expect(problems.errors).toEqual([]);
});
