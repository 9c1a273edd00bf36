/**
 * The Seats screen with 10,000 real seats of one license on the local issuer: the table stays a
 * window of rows (the DOM never holds them all), scrolls to the last one, filters and sorts the
 * whole list. The machines are added to the issuer's database directly (thousands of
 * activations would take the test's whole budget); the console reads them page by page through
 * the core like any others.
 */
import { expect, test } from '@playwright/test';
import { open, signIn, watchProblems } from './support/console.js';
import { environment } from './support/environment.js';
import { addMachines, createLicense, createPolicy } from './support/fleet.js';

const TOTAL = 10_000;
const PAGE_SIZE = 100;

test('10,000 seats: a window of rows, the last one reachable, filter and sort over all of them', async ({ page }) => {
  const license = await createLicense(await createPolicy('E2E scale', null), 'E2E ten thousand');
  addMachines(license.id, TOTAL, 'seat');
  const problems = await watchProblems(page);
  const requested: number[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/v1/ops/seats:list')) requested.push((JSON.parse(request.postData() ?? '{}') as { page: number }).page);
  });
  await signIn(page);
  await open(page, 'Licenses');
  await page.getByLabel('Admin or product token').fill(environment().issuer.adminToken);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByLabel('Search licenses').fill('ten thousand');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('table', { name: 'Licenses of this product' }).getByRole('button', { name: 'Seats of E2E ten thousand' }).click();

  const table = page.getByRole('table', { name: 'Seats of this license' });
  await expect(page.getByRole('main')).toContainText('10,000 seats', { timeout: 60_000 });
  expect(requested).toHaveLength(TOTAL / PAGE_SIZE);
  const bodyRows = table.locator('tbody tr');
  expect(await bodyRows.count()).toBeLessThan(200);
  await expect(table).toContainText('seat-00001');
  await expect(table).not.toContainText('seat-10000');

  // Scrolling to the end brings the last seat in, still as a window of rows.
  await table.evaluate((element) => {
    let scroller: Element | null = element;
    while (scroller !== null && scroller.scrollHeight <= scroller.clientHeight) scroller = scroller.parentElement;
    scroller?.scrollTo({ top: scroller.scrollHeight });
  });
  await expect(table).toContainText('seat-10000');
  expect(await bodyRows.count()).toBeLessThan(200);

  await page.getByLabel('Filter seats').fill('seat-0424');
  await expect(table.getByRole('checkbox', { name: /^Select seat-0424\d$/ })).toHaveCount(10);

  await page.getByLabel('Filter seats').fill('');
  await table.getByRole('button', { name: 'Name' }).click();
  await table.getByRole('button', { name: 'Name' }).click();
  await expect(table.locator('thead th[aria-sort="descending"]')).toHaveCount(1);
  await expect(table.getByRole('checkbox', { name: 'Select seat-10000' })).toBeVisible();

  await open(page, 'Licenses');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  expect(problems.errors).toEqual([]);
});
