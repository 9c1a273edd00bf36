// The functions passed to addInitScript and evaluate run in the page, where these exist.
/* global window, document, MutationObserver */
// User-interface benches:
// - renderer.initial-js-gzip: the JavaScript the console and the desktop window load before
//   they can show anything (the entry script and its modulepreloads in dist/renderer/index.html),
//   gzipped at level 9, in KB (target ≤ 150);
// - console.time-to-status: milliseconds from navigation start until the status region of the
//   web console leaves its loading state, in Debian's Chromium against the local issuer, with a
//   licensed machine (median of warm page loads; reported, no target).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { round } from './measure.js';
import { ROOT, startJson, TESSERA } from './processes.js';

const RENDERER = join(ROOT, 'dist', 'renderer');
const RUNS = 15;
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

/** The scripts index.html loads at once: `<script type="module" src>` and `<link rel="modulepreload" href>`. */
export function initialScripts(html) {
  const sources = [];
  for (const match of html.matchAll(/<script[^>]*\bsrc="([^"]+)"[^>]*>/g)) sources.push(match[1]);
  for (const match of html.matchAll(/<link[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"[^>]*>/g)) sources.push(match[1]);
  return [...new Set(sources)];
}

function initialJsGzip() {
  const html = readFileSync(join(RENDERER, 'index.html'), 'utf8');
  const scripts = initialScripts(html);
  if (scripts.length === 0) throw new Error('dist/renderer/index.html loads no script: run npm run build');
  const bytes = scripts.reduce((total, source) => total + gzipSync(readFileSync(join(RENDERER, source.replace(/^\.?\//, ''))), { level: 9 }).length, 0);
  return { bench: 'renderer.initial-js-gzip', value: round(bytes / 1024, 3), unit: 'KB', scripts: scripts.length, target: 150 };
}

/** Runs `tessera` to completion. */
async function tessera(args, env) {
  const child = spawn(process.execPath, [TESSERA, ...args], { env: { ...process.env, ...env }, stdio: 'ignore' });
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`tessera ${args[0]} exited with ${code}`);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function timeToStatus() {
  const home = mkdtempSync(join(tmpdir(), 'tessera-bench-console-'));
  const env = { TESSERA_HOME: home };
  const issuer = await startJson([join(ROOT, 'bin', 'tessera-issuer.js'), 'serve', '--db', ':memory:', '--seed', 'demo'], env);
  let agent = null;
  let browser = null;
  try {
    const configFile = join(home, 'vendor.config.json');
    writeFileSync(configFile, JSON.stringify(issuer.config));
    const key = issuer.licenses.find((license) => license.policy === 'Node-locked').key;
    await tessera(['activate', '--config', configFile, '--json'], { ...env, TESSERA_LICENSE_KEY: key });
    agent = await startJson([TESSERA, 'serve', '--ui', '--port', '0', '--json', '--config', configFile], env);

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
    const context = await browser.newContext();
    // The page notes the moment its status region leaves "loading", on the page's own clock
    // (performance.now() counts from navigation start).
    await context.addInitScript(() => {
      const observer = new MutationObserver(() => {
        const region = document.querySelector('[role="status"][data-state]');
        const state = region?.getAttribute('data-state');
        if (state !== undefined && state !== null && state !== 'loading' && window.__statusAt === undefined) {
          window.__statusAt = performance.now();
          window.__statusState = state;
          observer.disconnect();
        }
      });
      observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
    });
    const page = await context.newPage();
    await page.goto(agent.loginUrl);
    const samples = [];
    for (let run = 0; run < RUNS + 2; run += 1) {
      await page.goto(agent.url);
      await page.waitForFunction(() => window.__statusAt !== undefined, null, { timeout: 30_000 });
      const { at, state } = await page.evaluate(() => ({ at: window.__statusAt, state: window.__statusState }));
      if (state !== 'licensed') throw new Error(`the console says "${state}", expected licensed`);
      // The first loads warm Chromium's caches and the agent's JIT.
      if (run >= 2) samples.push(at);
    }
    return { bench: 'console.time-to-status', value: round(median(samples), 4), unit: 'ms', runs: RUNS, min: round(Math.min(...samples), 4), max: round(Math.max(...samples), 4) };
  } finally {
    await browser?.close();
    await agent?.stop();
    await issuer.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

export const benches = [
  { name: 'renderer.initial-js-gzip', run: async () => initialJsGzip() },
  { name: 'console.time-to-status', run: timeToStatus },
];
