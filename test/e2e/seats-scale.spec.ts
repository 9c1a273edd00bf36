/**
 * The Seats screen with 10,000 seats: the table stays a window of rows (the DOM never holds
 * them all), scrolls to the last one, filters and sorts the whole list. The seats come from a
 * mocked `seats:list` operation, as an issuer with that many machines would page them.
 */
import { expect, test } from '@playwright/test';
import type { Seat } from '../../src/licensing/manager.types.js';
import { open, signIn, watchProblems } from './support/console.js';

const TOTAL = 10_000;
const PAGE_SIZE = 100;

function seat(index: number): Seat {
  const number = String(index).padStart(5, '0');
  return {
    id: `seat-id-${number}`,
    fingerprint: `fingerprint-${number}`,
    name: `seat-${number}`,
    hostname: `host-${number}`,
    platform: index % 2 === 0 ? 'linux' : 'windows',
    heartbeatStatus: null,
    lastHeartbeat: null,
    created: new Date(Date.UTC(2030, 0, 1) + index * 60_000).toISOString(),
    current: false,
  };
}

test('10,000 seats: a window of rows, the last one reachable, filter and sort over all of them', async ({ page }) => {
  const problems = await watchProblems(page);
  const requested: number[] = [];
  await page.route('**/v1/ops/seats:list', async (route) => {
    const input = JSON.parse(route.request().postData() ?? '{}') as { page?: number; size?: number };
    const number = input.page ?? 1;
    const size = input.size ?? PAGE_SIZE;
    requested.push(number);
    const from = (number - 1) * size;
    const data = Array.from({ length: Math.max(0, Math.min(size, TOTAL - from)) }, (_, offset) => seat(from + offset));
    const next = from + size < TOTAL ? String(number + 1) : null;
    await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ ok: true, value: { data, next } }) });
  });
  await signIn(page);
  await open(page, 'Seats');

  const table = page.getByRole('table', { name: 'Seats of this license' });
  await expect(page.getByRole('main')).toContainText('10000', { timeout: 30_000 });
  expect(requested).toHaveLength(TOTAL / PAGE_SIZE);
  const bodyRows = table.locator('tbody tr');
  expect(await bodyRows.count()).toBeLessThan(200);
  await expect(table).toContainText('seat-00000');
  await expect(table).not.toContainText('seat-09999');

  // Scrolling to the end brings the last seat in, still as a window of rows.
  await table.evaluate((element) => {
    let scroller: Element | null = element;
    while (scroller !== null && scroller.scrollHeight <= scroller.clientHeight) scroller = scroller.parentElement;
    scroller?.scrollTo({ top: scroller.scrollHeight });
  });
  await expect(table).toContainText('seat-09999');
  expect(await bodyRows.count()).toBeLessThan(200);

  await page.getByLabel('Filter seats').fill('seat-0424');
  await expect(table.getByRole('checkbox', { name: /^Select seat-0424\d$/ })).toHaveCount(10);

  await page.getByLabel('Filter seats').fill('');
  await table.getByRole('button', { name: 'Name' }).click();
  await table.getByRole('button', { name: 'Name' }).click();
  await expect(table.locator('thead th[aria-sort="descending"]')).toHaveCount(1);
  await expect(table.getByRole('checkbox', { name: 'Select seat-09999' })).toBeVisible();
  expect(problems.errors).toEqual([]);
});
