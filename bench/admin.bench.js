// The functions passed to addInitScript and evaluate run in the page, where these exist.
/* global window, document, MutationObserver, Element */
// Administrator benches, against the local issuer in its own process:
// - admin.seats-list-all: 10,000 machines on one license, listed through the CLI with
//   `seats list --all --format json` (seconds for the whole command, and seats per second);
// - admin.bulk-deactivate: 1,000 seats deactivated through the CLI against an issuer started
//   with `--rate-limit 200/10s`: the achieved rate as a fraction of the limit's ceiling of
//   20 per second (target ≥ 0.9), with 0 failed;
// - admin.console-seats-first-rows: the web console opening the Seats screen of a license with
//   10,000 real seats (read from the issuer page by page, not mocked), in Debian's Chromium: ms
//   from the click to the first rows in the windowed table, and to all 10,000 loaded (median of
//   warm runs; reported, no target).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { chromium } from 'playwright-core';
import { round } from './measure.js';
import { admin, startIssuer as serveIssuer, startJson, TESSERA } from './processes.js';

const JSON_API = 'application/vnd.api+json';
const SEATS = 10_000;
const BULK = 1_000;
const BULK_LIMIT = { count: 200, seconds: 10 };
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

const startIssuer = (args) => serveIssuer(['--seed', 'demo', ...args]);

/** Runs `tessera` to completion with `stdin`; resolves with its exit code, output and wall time. */
async function tessera(args, env, stdin = '') {
  const begun = performance.now();
  const child = spawn(process.execPath, [TESSERA, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdin.end(stdin);
  const [code] = await once(child, 'close');
  return { code, stdout, stderr, ms: performance.now() - begun };
}

/** A license of the demo product under an unlimited floating policy. */
async function bigLicense(issuer, name) {
  const policy = await admin(issuer, 'POST', '/policies', {
    data: { type: 'policies', attributes: { name: `Bench ${name}`, floating: true, maxMachines: null, authenticationStrategy: 'MIXED' }, relationships: { product: { data: { type: 'products', id: issuer.config.product } } } },
  }, 201);
  const license = await admin(issuer, 'POST', '/licenses', { data: { type: 'licenses', attributes: { name }, relationships: { policy: { data: { type: 'policies', id: policy.data.id } } } } }, 201);
  return license.data;
}

/** Activates `count` machines on the license through the API (real activations, 50 at a time). */
async function activate(issuer, license, count, tag) {
  const body = JSON.stringify({
    data: { type: 'machines', attributes: { fingerprint: `${tag}-[<id>]`, name: `${tag}-[<id>]`, platform: 'linux' }, relationships: { license: { data: { type: 'licenses', id: license.id } } } },
  });
  const result = await autocannon({
    url: `${issuer.url}/v1/accounts/${issuer.account}/machines`,
    method: 'POST',
    headers: { 'Content-Type': JSON_API, Accept: JSON_API, Authorization: `Bearer ${issuer.adminToken}` },
    body,
    idReplacement: true,
    connections: 50,
    amount: count,
  });
  if (result.non2xx + result.errors + result.timeouts > 0 || result.requests.total !== count) throw new Error(`seeding ${tag}: ${result.non2xx} non-2xx, ${result.errors} errors`);
}

function scratch(issuer) {
  const home = mkdtempSync(join(tmpdir(), 'tessera-bench-admin-'));
  const config = join(home, 'vendor.json');
  writeFileSync(config, JSON.stringify(issuer.config));
  return { home, config };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function seatsListAll() {
  const issuer = await startIssuer(['--db', ':memory:']);
  const { home, config } = scratch(issuer);
  try {
    const license = await bigLicense(issuer, 'ten thousand');
    await activate(issuer, license, SEATS, 'list');
    const env = { TESSERA_HOME: home, TESSERA_ADMIN_TOKEN: issuer.adminToken };
    const args = ['seats', 'list', '--license-id', license.id, '--all', '--format', 'json', '--config', config];
    // A first run warms the file cache and the issuer; three timed runs.
    const times = [];
    for (let run = 0; run < 4; run += 1) {
      const listed = await tessera(args, env);
      const document = listed.code === 0 ? JSON.parse(listed.stdout) : null;
      if (document === null || document.count !== SEATS) throw new Error(`seats list --all: exit ${listed.code}, ${document?.count ?? 0} seats: ${listed.stderr.slice(0, 300)}`);
      if (run > 0) times.push(listed.ms);
    }
    const seconds = median(times) / 1000;
    return [
      { bench: 'admin.seats-list-all', value: round(seconds), unit: 's', seats: SEATS, runs: times.length, min: round(Math.min(...times) / 1000), max: round(Math.max(...times) / 1000) },
      { bench: 'admin.seats-list-all.rate', value: round(SEATS / seconds), unit: 'seats/s', seats: SEATS },
    ];
  } finally {
    await issuer.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

async function bulkDeactivate() {
  const folder = mkdtempSync(join(tmpdir(), 'tessera-bench-bulk-'));
  const database = join(folder, 'issuer.db');
  let issuer = await startIssuer(['--db', database]);
  let license;
  const ids = [];
  try {
    // The seats are made before the limit is on: only the deactivations count against it.
    license = await bigLicense(issuer, 'bulk');
    await activate(issuer, license, BULK, 'bulk');
    for (let page = 1; page <= BULK / 100; page += 1) {
      const listed = await admin(issuer, 'GET', `/licenses/${license.id}/machines?page[number]=${page}&page[size]=100`, undefined, 200);
      ids.push(...listed.data.map((machine) => machine.id));
    }
  } finally {
    await issuer.stop();
  }
  issuer = await startIssuer(['--db', database, '--rate-limit', `${BULK_LIMIT.count}/${BULK_LIMIT.seconds}s`]);
  const { home, config } = scratch(issuer);
  try {
    const run = await tessera(['seats', 'deactivate', '--license-id', license.id, '-', '--json', '--config', config], { TESSERA_HOME: home, TESSERA_ADMIN_TOKEN: issuer.adminToken }, JSON.stringify(ids));
    const outcome = JSON.parse(run.stdout);
    const done = outcome.deactivated.length + outcome.alreadyGone.length;
    if (done !== BULK) throw new Error(`bulk deactivation: ${done} done, ${outcome.failed.length} failed, ${outcome.notAttempted.length} not attempted`);
    const seconds = run.ms / 1000;
    const ceiling = BULK_LIMIT.count / BULK_LIMIT.seconds;
    return {
      bench: 'admin.bulk-deactivate',
      value: round(BULK / seconds / ceiling),
      unit: 'fraction of the rate limit',
      seats: BULK,
      seconds: round(seconds),
      perSecond: round(BULK / seconds),
      ceiling,
      rateLimit: `${BULK_LIMIT.count}/${BULK_LIMIT.seconds}s`,
      failed: outcome.failed.length,
      target: 0.9,
    };
  } finally {
    await issuer.stop();
    rmSync(home, { recursive: true, force: true });
    rmSync(folder, { recursive: true, force: true });
  }
}

async function consoleFirstRows() {
  const issuer = await startIssuer(['--db', ':memory:']);
  const { home, config } = scratch(issuer);
  let agent = null;
  let browser = null;
  try {
    const license = await bigLicense(issuer, 'console ten thousand');
    await activate(issuer, license, SEATS, 'console');
    agent = await startJson([TESSERA, 'serve', '--ui', '--port', '0', '--json', '--config', config], { TESSERA_HOME: home });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    // The page notes, on its own clock, the click that opens the seats, the first seat row
    // drawn, and the count saying every seat is loaded.
    await page.addInitScript(() => {
      document.addEventListener('click', (event) => {
        const target = event.target instanceof Element ? event.target.closest('button') : null;
        if (target?.getAttribute('aria-label')?.startsWith('Seats of ')) window.__marks = { clicked: performance.now() };
      }, true);
      new MutationObserver(() => {
        const marks = window.__marks;
        if (marks === undefined) return;
        if (marks.firstRow === undefined && document.querySelector('.seats-table:not(.licenses-table) tbody tr[aria-rowindex]') !== null) marks.firstRow = performance.now();
        if (marks.all === undefined && /10,000 seats/.test(document.querySelector('.toolbar .count')?.textContent ?? '')) marks.all = performance.now();
      }).observe(document, { subtree: true, childList: true, characterData: true });
    });
    await page.goto(agent.loginUrl);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Licenses', exact: true }).click();
    await page.getByLabel('Admin or product token').fill(issuer.adminToken);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const firstRows = [];
    const allLoaded = [];
    for (let run = 0; run < 6; run += 1) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Licenses', exact: true }).click();
      await page.getByRole('button', { name: 'Seats of console ten thousand' }).click();
      await page.waitForFunction(() => window.__marks?.all !== undefined, null, { timeout: 120_000 });
      const marks = await page.evaluate(() => window.__marks);
      // The first open warms the agent and the page.
      if (run > 0) {
        firstRows.push(marks.firstRow - marks.clicked);
        allLoaded.push(marks.all - marks.clicked);
      }
    }
    return [
      { bench: 'admin.console-seats-first-rows', value: round(median(firstRows)), unit: 'ms', seats: SEATS, runs: firstRows.length, min: round(Math.min(...firstRows)), max: round(Math.max(...firstRows)) },
      { bench: 'admin.console-seats-all-loaded', value: round(median(allLoaded)), unit: 'ms', seats: SEATS, runs: allLoaded.length, min: round(Math.min(...allLoaded)), max: round(Math.max(...allLoaded)) },
    ];
  } finally {
    await browser?.close();
    await agent?.stop();
    await issuer.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

export const benches = [
  { name: 'admin.seats-list-all', run: seatsListAll },
  { name: 'admin.bulk-deactivate', run: bulkDeactivate },
  { name: 'admin.console-seats-first-rows', run: consoleFirstRows },
];
