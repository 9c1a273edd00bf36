/**
 * Driving the console: signing a page in with a fresh one-time link, watching for console
 * errors and CSP violations, saving screenshots and scanning with axe-core.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { createAgentClient } from '../../../src/agent/agent-client.js';
import { environment } from './environment.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

/** A one-time login link, minted with the agent's main token as a script would: a signed request, its answer checked. */
export async function loginLink(): Promise<string> {
  const { console: served } = environment();
  const token = readFileSync(served.tokenFile, 'utf8').trim();
  const answer = await createAgentClient({ url: served.url, token }).request('POST', '/v1/console/login-links', {});
  if (!answer.ok || answer.status !== 201) throw new Error(`login link: ${answer.ok ? `HTTP ${answer.status}` : answer.reason}`);
  const { path } = answer.body as { path: string };
  return `${served.url}${path}`;
}

/** What went wrong in the page: console errors, uncaught exceptions and CSP violations. */
export interface PageProblems {
  readonly errors: string[];
}

/** Records problems from now on; CSP violations are reported by the page itself through an init script. */
export async function watchProblems(page: Page): Promise<PageProblems> {
  const problems: PageProblems = { errors: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') problems.errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.errors.push(`exception: ${error.message}`));
  await page.exposeFunction('reportCspViolation', (text: string) => problems.errors.push(`csp: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      void (window as unknown as { reportCspViolation(text: string): Promise<void> }).reportCspViolation(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return problems;
}

/** Opens a fresh login link in `page`; resolves once the console shows its status region (the secret gone from the address bar). */
export async function signIn(page: Page): Promise<void> {
  await page.goto(await loginLink());
  await expect(page).toHaveURL(new RegExp(`^${environment().console.url}/(#/[a-z-]+)?$`));
  await expect(page.getByRole('status', { name: 'License status' })).toBeVisible();
}

/** Waits until the status region shows `state` (the expect timeout bounds the wait). */
export async function expectStatus(page: Page, state: 'licensed' | 'not-licensed'): Promise<void> {
  // Waits for the state itself: right after an action the region may still show the previous
  // answer, before its refresh has even started, so "not loading" alone proves nothing.
  await expect(page.getByRole('status', { name: 'License status' })).toHaveAttribute('data-state', state);
}

/** Goes to a screen through the main navigation. */
export async function open(page: Page, screen: 'Status' | 'Activate' | 'Offline files' | 'Fulfil requests' | 'Seats' | 'Licenses' | 'Settings'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: screen, exact: true }).click();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: screen, exact: true })).toHaveAttribute('aria-current', 'page');
}

/** Saves a full-page screenshot as test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** axe-core on the page as it is: no serious or critical violation (WCAG 2.x A and AA rules). */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const blocking = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  expect(blocking, `axe on ${screen}`).toEqual([]);
}

/** This machine's fingerprint as the console's agent computes it (same data folder, same app scope). */
export function thisMachineFingerprint(): string {
  const output = execFileSync(process.execPath, [join(ROOT, 'bin', 'tessera.js'), 'fingerprint', '--json'], {
    env: { ...process.env, TESSERA_HOME: environment().home },
    encoding: 'utf8',
  });
  return (JSON.parse(output) as { fingerprint: string }).fingerprint;
}
