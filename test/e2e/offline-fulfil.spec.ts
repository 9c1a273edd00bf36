/**
 * The air-gapped screens in Debian's Chromium, one console playing both machines: the Offline
 * screen (full fingerprint, activation request saved and drawn as QR codes that read back,
 * several files dropped at once, a removable drive, offline deactivation with a receipt) and
 * the Fulfil requests screen (a multi-file drop with a forged request among them, a drive
 * fulfilled in place, a receipt applied twice). Every screen is scanned with axe.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Download, type Locator, type Page } from '@playwright/test';
import decodeQR from 'qr/decode.js';
import { joinQrParts } from '../../src/contract/qr-chunks.js';
import { MESSAGES } from '../../src/contract/messages.js';
import { imageOf, otherMachine, requestFrom } from '../airgap/support.js';

import { expectAccessible, expectStatus, open, screenshot, signIn, thisMachineFingerprint, watchProblems, type PageProblems } from './support/console.js';
import { demoLicense, environment } from './support/environment.js';
import { machinesOf } from './support/issuer.js';

test.describe.configure({ mode: 'serial' });

let page: Page;
let problems: PageProblems;
const files = mkdtempSync(join(tmpdir(), 'tessera-e2e-airgap-'));
const vendor = (): { account: string; product: string } => JSON.parse(readFileSync(environment().configFile, 'utf8')) as { account: string; product: string };
const saved: Record<string, string> = {};

async function agent(method: string, path: string): Promise<{ status: number; json: { data?: { id: string }[] } }> {
  const { console: served } = environment();
  const token = readFileSync(served.tokenFile, 'utf8').trim();
  const response = await fetch(`${served.url}${path}`, { method, headers: { Authorization: `Bearer ${token}` } });
  const text = await response.text();
  return { status: response.status, json: text === '' ? {} : (JSON.parse(text) as { data?: { id: string }[] }) };
}

async function issuerAdmin(method: string, path: string): Promise<{ data?: { id: string }[] }> {
  const { issuer } = environment();
  const response = await fetch(`${issuer.url}/v1/accounts/${issuer.account}${path}`, { method, headers: { Authorization: `Bearer ${issuer.adminToken}`, Accept: 'application/vnd.api+json' } });
  const text = await response.text();
  return text === '' ? {} : (JSON.parse(text) as { data?: { id: string }[] });
}

/** Drops files on a drop zone as a person would drag them from a file manager. */
async function dropFiles(target: Locator, dropped: readonly { name: string; text: string }[]): Promise<void> {
  const dataTransfer = await page.evaluateHandle((list) => {
    const transfer = new DataTransfer();
    for (const file of list) transfer.items.add(new File([file.text], file.name, { type: 'application/json' }));
    return transfer;
  }, dropped);
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
}

async function keep(download: Download): Promise<string> {
  const path = join(files, download.suggestedFilename());
  await download.saveAs(path);
  saved[download.suggestedFilename()] = path;
  return path;
}

/** The text a drawn QR code carries: its SVG path turned back into modules, then read as a camera would. */
async function readQr(code: Locator): Promise<string> {
  const size = Number(await code.getAttribute('data-modules'));
  const d = (await code.locator('path').getAttribute('d')) ?? '';
  const modules = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  for (const match of d.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) (modules[Number(match[2]) - 4] as boolean[])[Number(match[1]) - 4] = true;
  return decodeQR(imageOf(modules));
}

test.beforeAll(async ({ browser }) => {
  const context = await browser.newContext({ acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: environment().console.url });
  page = await context.newPage();
  problems = await watchProblems(page);
  // Start from a machine with nothing installed, and the floating license with all its seats free.
  for (const license of (await agent('GET', '/v1/licenses?size=100')).json.data ?? []) await agent('DELETE', `/v1/licenses/${license.id}`);
  for (const machine of (await issuerAdmin('GET', `/licenses/${demoLicense('Floating (3 seats)').id}/machines?page[size]=100&page[number]=1`)).data ?? []) await issuerAdmin('DELETE', `/machines/${machine.id}`);
  await signIn(page);
});

test.afterAll(async () => {
  await page.context().close();
});

test('Activate without a network points to the offline route', async () => {
  await page.route('**/v1/ops/license:activate', (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ ok: false, code: 'ISSUER_UNREACHABLE', message: MESSAGES.ISSUER_UNREACHABLE.message }) }),
  );
  await open(page, 'Activate');
  await page.getByLabel('License key', { exact: true }).fill('ANY-KEY-0000');
  await page.getByRole('main').getByRole('button', { name: 'Activate', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'ISSUER_UNREACHABLE' })).toBeVisible();
  await page.unroute('**/v1/ops/license:activate');
  await page.getByRole('button', { name: 'Create an activation request' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Offline license files' })).toBeVisible();
});

test('the Offline screen shows the full fingerprint, copies it, and makes an activation request with QR codes that read back', async () => {
  await open(page, 'Offline files');
  const fingerprint = thisMachineFingerprint();
  await expect(page.getByRole('main')).toContainText(fingerprint);
  await page.getByRole('button', { name: 'Copy fingerprint' }).click();
  await expect(page.getByRole('log', { name: 'Notices' })).toContainText('Fingerprint copied.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(fingerprint);

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Create activation request' }).click();
  const path = await keep(await download);
  expect(path).toMatch(/\.activation-request\.json$/);
  const request = JSON.parse(readFileSync(path, 'utf8')) as { machine: { fingerprint: string }; licenseKey?: string };
  expect(request.machine.fingerprint).toBe(fingerprint);
  expect(request.licenseKey).toBeUndefined();

  const codes = page.getByRole('img', { name: /Activation request QR code/ });
  await expect(codes.first()).toBeVisible();
  const parts = await Promise.all((await codes.all()).map(readQr));
  expect(parts[0]).toMatch(/^TESSERA-REQ 1\/\d+ /);
  expect(joinQrParts(parts.join('\n'))).toBe(JSON.stringify(JSON.parse(readFileSync(path, 'utf8'))));
  await screenshot(page, 'offline-request-qr');
  await expectAccessible(page, 'offline (request and QR codes)');
});

test('Fulfil requests: several files dropped at once, a forged one refused, the responses saved', async () => {
  const own = readFileSync(Object.values(saved).find((path) => path.endsWith('.activation-request.json')) as string, 'utf8');
  const other = await requestFrom(otherMachine('e2e-fleet-node'), vendor());
  const forged = JSON.stringify({ ...JSON.parse(other.text), machine: { ...JSON.parse(other.text).machine, hostname: 'altered' } });
  await open(page, 'Fulfil requests');
  await expect(page.getByRole('heading', { level: 1, name: 'Fulfil requests' })).toBeVisible();
  await expectAccessible(page, 'fulfil');
  await page.getByLabel('License key for the requests').fill(demoLicense('Floating (3 seats)').key);
  await dropFiles(page.getByRole('region', { name: 'Drop activation requests or deactivation receipts here' }), [
    { name: 'this-machine.activation-request.json', text: own },
    { name: other.name, text: other.text },
    { name: 'forged.activation-request.json', text: forged },
  ]);
  const table = page.getByRole('table', { name: 'Fulfilled files' });
  await expect(table.getByRole('row')).toHaveCount(4);
  await expect(table.getByRole('row', { name: /forged/ })).toContainText(MESSAGES.AIRGAP_FILE_NOT_GENUINE.title);
  await expect(table.getByRole('row', { name: /this-machine/ })).toContainText('Activated');
  await screenshot(page, 'fulfil-results');
  await expectAccessible(page, 'fulfil (results)');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Save response for this-machine.activation-request.json' }).click();
  expect(await keep(await download)).toMatch(/\.activation-response\.json$/);
  const otherDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: `Save response for ${other.name}` }).click();
  await keep(await otherDownload);
  expect(await machinesOf(demoLicense('Floating (3 seats)').id)).toHaveLength(2);
});

test('Offline files: a multi-file drop installs the response for this machine (with its key) and says why not for the others', async () => {
  const responses = Object.entries(saved).filter(([name]) => name.endsWith('.activation-response.json'));
  const own = responses.find(([name]) => !name.startsWith('e2e-fleet-node')) as [string, string];
  const other = responses.find(([name]) => name.startsWith('e2e-fleet-node')) as [string, string];
  await open(page, 'Offline files');
  await dropFiles(page.getByRole('region', { name: 'Drop license files or activation responses here' }), [
    { name: own[0], text: readFileSync(own[1], 'utf8') },
    { name: other[0], text: readFileSync(other[1], 'utf8') },
    { name: 'broken.lic', text: '-----BEGIN LICENSE FILE-----\nAAAA\n-----END LICENSE FILE-----\n' },
  ]);
  const table = page.getByRole('table', { name: 'Imported files' });
  await expect(table.getByRole('row', { name: new RegExp(other[0]) })).toContainText(MESSAGES.FINGERPRINT_MISMATCH.title);
  await expect(table.getByRole('row', { name: /broken\.lic/ })).toContainText(MESSAGES.LICENSE_FILE_MALFORMED.title);
  await expect(table.getByRole('row', { name: new RegExp(own[0]) })).toContainText(MESSAGES.LICENSE_KEY_REQUIRED.title);
  await screenshot(page, 'offline-multi-drop');
  await expectAccessible(page, 'offline (several files)');
  await page.getByLabel(`License key for ${own[0]}`).fill(demoLicense('Floating (3 seats)').key);
  await page.getByRole('button', { name: 'Import with this key' }).click();
  await expect(page.getByRole('table', { name: 'Imported files' }).getByRole('row', { name: new RegExp(own[0]) })).toContainText('Installed');
  await expectStatus(page, 'licensed');
});

test('a removable drive with requests is offered on the Fulfil screen and fulfilled in place', async () => {
  const drive = join(environment().mediaRoot, 'FLEET-STICK');
  mkdirSync(drive);
  const request = await requestFrom(otherMachine('e2e-drive-node'), vendor());
  writeFileSync(join(drive, request.name), request.text);
  await open(page, 'Fulfil requests');
  await page.getByLabel('License key for the requests').fill(demoLicense('Floating (3 seats)').key);
  const offer = page.getByRole('button', { name: 'Fulfil from FLEET-STICK' });
  await expect(offer).toBeVisible();
  await expect(page.getByRole('region', { name: 'Removable drives' }).or(page.locator('section', { hasText: 'Removable drives' })).first()).toContainText('1 activation request');
  await screenshot(page, 'fulfil-drive');
  await expectAccessible(page, 'fulfil (drive)');
  await offer.click();
  await expect(page.getByRole('table', { name: 'Fulfilled files' })).toContainText('Activated');
  await expect.poll(() => readdirSync(drive).filter((name) => name.endsWith('.activation-response.json')).length).toBe(1);
});

test('offline deactivation: the license leaves, the receipt is saved; fulfilled, the seat is free; applied twice, "already deactivated"', async () => {
  const fingerprint = thisMachineFingerprint();
  await open(page, 'Offline files');
  await page.getByRole('button', { name: 'Deactivate offline' }).click();
  const dialog = page.getByRole('dialog', { name: 'Deactivate this machine offline?' });
  await expect(dialog).toBeVisible();
  await expectAccessible(page, 'offline deactivation confirmation');
  const download = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Yes, deactivate offline' }).click();
  const receipt = await keep(await download);
  expect(receipt).toMatch(/\.deactivation-receipt\.json$/);
  await expectStatus(page, 'not-licensed');
  expect(await machinesOf(demoLicense('Floating (3 seats)').id)).toContain(fingerprint);

  await open(page, 'Fulfil requests');
  await page.getByLabel('License key for the requests').fill(demoLicense('Floating (3 seats)').key);
  const zone = page.getByRole('region', { name: 'Drop activation requests or deactivation receipts here' });
  await dropFiles(zone, [{ name: 'receipt.deactivation-receipt.json', text: readFileSync(receipt, 'utf8') }]);
  const table = page.getByRole('table', { name: 'Fulfilled files' });
  await expect(table).toContainText('Deactivated, seat freed');
  expect(await machinesOf(demoLicense('Floating (3 seats)').id)).not.toContain(fingerprint);
  await dropFiles(zone, [{ name: 'receipt.deactivation-receipt.json', text: readFileSync(receipt, 'utf8') }]);
  await expect(table).toContainText(MESSAGES.MACHINE_ALREADY_DEACTIVATED.title);
  await screenshot(page, 'fulfil-receipt-twice');
  await expectAccessible(page, 'fulfil (receipt)');
});

test('no console error and no CSP violation on the air-gapped screens', () => {
  expect(problems.errors).toEqual([]);
});
